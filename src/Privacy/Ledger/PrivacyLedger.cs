using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Pld;
using DpSynth.Privacy.Randomness;
using DpSynth.Privacy.Rdp;

namespace DpSynth.Privacy.Ledger;

/// <summary>
/// The privacy ledger (privacy contract, rule 1): every use of private data is an ordered stage
/// with its mechanism, parameters, neighbouring relation and cost, and the reported ε composes all
/// stages with one accountant. A stage that would exceed the budget is refused before it is
/// recorded — callers spend first and touch the data only afterwards.
/// <para>
/// Under the PLD accountant the ledger keeps the running composition of its stages, so pricing a
/// new stage composes only that stage onto it (one FFT pair) rather than every stage again. It
/// reports the smaller of the PLD and the RDP bound: both are upper bounds on ε at the same δ for
/// the same stages, so their minimum is one too. This matters for exponential-mechanism stages,
/// whose PLD uses a pair dominating all bounded-range mechanisms while RDP uses their sharper
/// zCDP bound ε²/8; for DP-SGD the PLD bound is the smaller one.
/// </para>
/// </summary>
public sealed class PrivacyLedger
{
    /// <summary>Format version written into the JSON.</summary>
    public const int FormatVersion = 1;

    private readonly List<LedgerStage> _stages = [];

    /// <summary>
    /// The PLD composition of <see cref="_stages"/> (PLD accountant only), or null until first needed:
    /// a ledger read from a file is often only displayed, and replaying a long training stage's PLD
    /// would dominate loading a model.
    /// </summary>
    private RunningComposition? _pld;

    /// <summary>
    /// The last candidate priced that fitted the budget, kept because the one a run goes on to spend
    /// is that candidate: the noise calibration prices σ candidates and ends on the one it returns,
    /// and the trainer then spends exactly that stage. Cleared when a stage is spent.
    /// </summary>
    private (PrivacyCost Cost, double Epsilon, RunningComposition? Composition)? _lastFitting;

    private RunningComposition Pld => _pld ??= _stages.Aggregate(RunningComposition.Empty(new PldAccountant()), (c, s) => c.Plus(s.Cost));

    /// <summary>Creates an empty ledger.</summary>
    /// <param name="budget">The (ε, δ) budget.</param>
    /// <param name="randomness">The randomness source the mechanisms use.</param>
    /// <param name="accountant">The accountant that composes stages (PLD by default).</param>
    public PrivacyLedger(PrivacyBudget budget, RandomnessRecord randomness, AccountantKind accountant = AccountantKind.Pld)
    {
        budget.Validate();
        Budget = budget;
        Randomness = randomness;
        Accountant = accountant;
    }

    /// <summary>
    /// A copy holding the same stages, to price candidates against after this ledger moves on: the
    /// stages were checked when they were spent, and the PLD composition is immutable, so it is shared
    /// (with the spectra it remembers) instead of being replayed.
    /// </summary>
    internal PrivacyLedger Snapshot()
    {
        var copy = new PrivacyLedger(Budget, Randomness, Accountant) { _pld = _pld, _lastFitting = _lastFitting };
        copy._stages.AddRange(_stages);
        return copy;
    }

    /// <summary>The budget.</summary>
    public PrivacyBudget Budget { get; }

    /// <summary>Where the mechanisms' randomness comes from.</summary>
    public RandomnessRecord Randomness { get; }

    /// <summary>The accountant used to compose stages (PLD reports the smaller of its bound and RDP's; see the class remarks).</summary>
    public AccountantKind Accountant { get; }

    /// <summary>The recorded stages, in order.</summary>
    public IReadOnlyList<LedgerStage> Stages => _stages;

    /// <summary>ε of all recorded stages at the budget's δ (0 when empty).</summary>
    public double TotalEpsilon => EpsilonAt(Budget.Delta);

    /// <summary>ε of all recorded stages at δ.</summary>
    /// <param name="delta">δ ∈ (0, 1).</param>
    public double EpsilonAt(double delta)
    {
        CostValidation.Delta(delta);
        if (_stages.Count == 0) return 0;
        double rdp = RdpEpsilon(_stages, delta);
        return Accountant == AccountantKind.Rdp ? rdp : Math.Min(Pld.EpsilonAt(delta), rdp);
    }

    /// <summary>ε the ledger would reach at the budget's δ if <paramref name="stage"/> were added.</summary>
    /// <param name="stage">The candidate stage.</param>
    public double EpsilonWith(LedgerStage stage) => Price(stage).Epsilon;

    /// <summary>Records the stage, or throws <see cref="PrivacyBudgetExceededException"/> and records nothing.</summary>
    /// <param name="stage">The stage about to run.</param>
    public void Spend(LedgerStage stage)
    {
        var (after, composition) = Price(stage);
        if (!(after <= Budget.Epsilon))
            throw new PrivacyBudgetExceededException(string.Create(CultureInfo.InvariantCulture,
                $"privacy budget exceeded: stage '{stage.Name}' ({stage.Mechanism}) would raise epsilon from {TotalEpsilon:0.####} to {after:0.####} at delta {Budget.Delta:R}, over the budget {Budget.Epsilon:R}; it was not run"));
        _stages.Add(stage);
        _lastFitting = null;
        if (composition is not null) _pld = composition;
    }

    /// <summary>ε with the stage added, and (PLD only) the composition that includes it; nothing is recorded.</summary>
    private (double Epsilon, RunningComposition? Composition) Price(LedgerStage stage)
    {
        CheckNeighbouring(stage);
        stage.Cost.Validate();
        if (_lastFitting is { } known && known.Cost.Equals(stage.Cost)) return (known.Epsilon, known.Composition);
        double rdp = RdpEpsilon([.. _stages, stage], Budget.Delta);
        var priced = Accountant == AccountantKind.Rdp ? (rdp, null) : PldPrice(stage.Cost, rdp);
        if (priced.Epsilon <= Budget.Epsilon) _lastFitting = (stage.Cost, priced.Epsilon, priced.Composition);
        return priced;
    }

    private (double Epsilon, RunningComposition? Composition) PldPrice(PrivacyCost cost, double rdp)
    {
        var composition = Pld.Plus(cost);
        return (Math.Min(composition.EpsilonAt(Budget.Delta), rdp), composition);
    }

    private static void CheckNeighbouring(LedgerStage s)
    {
        if (s.Neighbouring != NeighbouringRelation.AddRemoveOne)
            throw new NotSupportedException($"stage '{s.Name}' uses {s.Neighbouring} neighbours; the accountants compose add/remove-one only");
    }

    private static double RdpEpsilon(IReadOnlyList<LedgerStage> stages, double delta)
        => RdpAccountant.Epsilon(stages.Select(s => s.Cost).ToArray(), delta).Epsilon;

    /// <summary>Serialises the ledger (stages, parameters, costs, budget, accountant, randomness) to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new LedgerDocument(FormatVersion, Accountant, Budget, Randomness, _stages, TotalEpsilon), DocumentInfo);

    /// <summary>Reads a ledger written by <see cref="ToJson"/>; stages are restored without re-checking the budget.</summary>
    /// <param name="json">The JSON text.</param>
    public static PrivacyLedger FromJson(string json)
    {
        var doc = JsonSerializer.Deserialize(json, DocumentInfo)
                  ?? throw new JsonException("privacy ledger JSON is empty");
        if (doc.FormatVersion != FormatVersion)
            throw new JsonException($"privacy ledger format {doc.FormatVersion} is not supported (expected {FormatVersion})");
        var ledger = new PrivacyLedger(doc.Budget, doc.Randomness, doc.Accountant);
        foreach (var stage in doc.Stages)
        {
            CheckNeighbouring(stage);
            ledger._stages.Add(stage); // the PLD composition is replayed, in order, when first asked for

        }
        return ledger;
    }

    /// <summary>
    /// How the ledger is written and read. The metadata comes from the source-generated
    /// <see cref="LedgerJsonContext"/>, not from reflection: building it by reflection took a visible
    /// share of a short command's start-up, and a trimmed binary keeps what the generator names.
    /// </summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // One generic converter per enum in the document: the non-generic factory builds them by reflection, absent in NativeAOT.
        Converters =
        {
            new JsonStringEnumConverter<AccountantKind>(JsonNamingPolicy.SnakeCaseLower),
            new JsonStringEnumConverter<NeighbouringRelation>(JsonNamingPolicy.SnakeCaseLower),
            new JsonStringEnumConverter<RandomnessKind>(JsonNamingPolicy.SnakeCaseLower),
        },
        WriteIndented = true,
        TypeInfoResolver = LedgerJsonContext.Default,
    };

    // Through the type info, not the options: the options overloads are marked unsafe for trimming whatever resolves them.
    private static JsonTypeInfo<LedgerDocument> DocumentInfo => (JsonTypeInfo<LedgerDocument>)JsonOptions.GetTypeInfo(typeof(LedgerDocument));
}
