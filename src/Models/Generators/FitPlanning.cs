using DpSynth.Kernels.Random;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators;

/// <summary>How generators start a fit on a <see cref="PrivacyPlan"/>: the ledger's randomness record, the row count, progress ε.</summary>
public static class FitPlanning
{
    /// <summary>
    /// A plan for a fit seeded with <paramref name="seed"/> (null: OS CSPRNG) whose first stage is the
    /// row count: the schema's declared public count, else (also without a schema) a DP count of <paramref name="table"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The declared count differs from the table's, or a share is invalid.</exception>
    public static PrivacyPlan Start(Table table, TableSchema? schema, double epsilon, double delta, ulong? seed, PlanShares shares)
    {
        ArgumentNullException.ThrowIfNull(table);
        var randomness = seed is ulong s ? new RandomnessRecord(RandomnessKind.UserSeed, s) : new RandomnessRecord(RandomnessKind.Csprng);
        var plan = new PrivacyPlan(new PrivacyBudget(epsilon, delta), randomness, shares);
        IRandomSource random = seed is ulong rs ? new SeededRandomSource(rs ^ NoiseStreams.RowCountSalt) : new CryptoRandomSource();
        try { plan.ReleaseRowCount(() => table.RowCount, schema?.PublicRowCount, random); }
        catch (ArgumentException e) { throw new ArgumentException($"{table.Source}: {e.Message}", e); }
        return plan;
    }

    /// <summary>
    /// The DP-SGD settings of a fit's training stage: q and the steps from <see cref="PrivacyPlan.Sampling"/>,
    /// σ from its calibration (null: non-private), the DP (or declared) row count as the public record
    /// count, the budget's δ and the PLD accountant the plan calibrates with.
    /// </summary>
    public static DpSgdOptions TrainingOptions(PrivacyPlan plan, double sampleRate, long steps, double? noiseMultiplier, float clipNorm, ulong? seed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new DpSgdOptions
        {
            SampleRate = sampleRate,
            Steps = steps,
            PublicRecords = plan.RowCount.Rows,
            ClipNorm = clipNorm,
            NoiseMultiplier = noiseMultiplier,
            Delta = plan.Budget.Delta,
            Seed = seed,
            Accountant = AccountantKind.Pld,
        };
    }

    /// <summary>
    /// Progress whose ε is the ledger's composed ε of the whole fit so far (stages before training plus
    /// the steps done), not training's alone. Create it before the trainer spends its stage.
    /// </summary>
    public static IProgress<TrainingProgress>? ComposedProgress(PrivacyPlan plan, double noiseMultiplier, double sampleRate, IProgress<TrainingProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (progress is null) return null;
        var composed = plan.ComposedEpsilonDuringTraining(noiseMultiplier, sampleRate);
        return new ComposedEpsilonProgress(progress, composed);
    }

    private sealed class ComposedEpsilonProgress(IProgress<TrainingProgress> inner, Func<long, double> composed) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => inner.Report(value with { EpsilonPricing = () => composed(value.Step) });
    }
}
