namespace DpSynth.Privacy.Ledger;

/// <summary>Which datasets count as neighbours; written into every stage (privacy contract, rule 4).</summary>
public enum NeighbouringRelation
{
    /// <summary>Datasets that differ by adding or removing one record (the default, and the only one the accountants compose).</summary>
    AddRemoveOne,
    /// <summary>Datasets that differ by replacing one record; recorded for completeness, refused by the accountants.</summary>
    ReplaceOne,
}

/// <summary>A privacy budget: the (ε, δ) the whole ledger must stay within.</summary>
/// <param name="Epsilon">ε &gt; 0.</param>
/// <param name="Delta">δ ∈ (0, 1); chosen by the user, never derived from the private row count.</param>
public sealed record PrivacyBudget(double Epsilon, double Delta)
{
    internal void Validate()
    {
        CostValidation.Positive(Epsilon, "budget epsilon");
        CostValidation.Delta(Delta);
    }
}

/// <summary>One use of private data.</summary>
/// <param name="Name">What the stage is for, e.g. "bounds of column age" or "training".</param>
/// <param name="Mechanism">The mechanism, e.g. "dp-sgd (Poisson-subsampled Gaussian)".</param>
/// <param name="Cost">The stage's privacy cost, computed from its parameters alone.</param>
public sealed record LedgerStage(string Name, string Mechanism, PrivacyCost Cost)
{
    /// <summary>The neighbouring relation the cost is stated for.</summary>
    public NeighbouringRelation Neighbouring { get; init; } = NeighbouringRelation.AddRemoveOne;

    /// <summary>Mechanism parameters worth recording (noise scale, thresholds, ranges…); never null.</summary>
    /// <remarks>
    /// Null reads as empty: source-generated JSON metadata initialises every init-only property, with
    /// null when a ledger leaves "parameters" out, where the initialiser alone would have kept it empty.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Parameters
    {
        get => _parameters;
        init => _parameters = value ?? NoParameters;
    }

    private readonly IReadOnlyDictionary<string, double> _parameters = NoParameters;

    private static readonly IReadOnlyDictionary<string, double> NoParameters = new Dictionary<string, double>();
}

/// <summary>Thrown when a stage would take the ledger over its budget; the stage was not recorded and must not run.</summary>
public sealed class PrivacyBudgetExceededException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the stage, the ε it would reach and the budget.</param>
    public PrivacyBudgetExceededException(string message) : base(message) { }
}
