namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of SgdStep (with and without momentum and weight decay) and AdamStep (Adam, Adam
/// with L2, AdamW, other betas), five steps each, on awkward lengths and the reference network's full
/// parameter vector.
/// </summary>
internal static class OptimiserCases
{
    private const int Steps = 5;

    // Positional arguments: a bare new() on this record struct would be default(AdamParameters), all zeros.
    private static readonly AdamParameters[] AdamVariants =
    [
        new(LearningRate: 1e-3f),
        new(LearningRate: 0.01f, WeightDecay: 0.1f),
        new(LearningRate: 0.01f, WeightDecay: 0.1f, Decoupled: true),
        new(LearningRate: 0.05f, Beta1: 0.5f, Beta2: 0.9f, Epsilon: 1e-4f),
    ];

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        foreach (int length in CaseShapes.Awkward)
        {
            var tier = CaseShapes.TierOf(length);
            foreach (var (momentum, decay) in new[] { (0f, 0f), (0.9f, 0f), (0.9f, 0.01f), (0f, 0.1f) })
                yield return Sgd(length, momentum, decay, tier);
            foreach (var hyper in AdamVariants) yield return Adam(length, hyper, tier);
        }
        // One step over every weight and bias of the reference network (independent of the batch).
        int parameters = CaseShapes.ParameterCount;
        yield return Sgd(parameters, 0.9f, 0f, CaseTier.Network);
        yield return Adam(parameters, AdamVariants[0], CaseTier.Network);
    }

    private static KernelCase Sgd(int length, float momentum, float decay, CaseTier tier)
        => new("optimiser", "SgdStep", CaseShapes.Text(length, 1), $"lr=0.1 momentum={momentum} wd={decay}", tier, new(1e-5f, 1e-6f), length,
            n => new(5.0 * n, (momentum != 0f ? 20.0 : 16.0) * n), (b, n) =>
            {
                var (p, g) = (b.Random(n, 1), b.Random(n, 1));
                // With μ = 0 the velocity's old contents must not matter, NaNs included.
                var v = momentum == 0f ? b.Filled(n, 1, float.NaN) : b.Zeros(n, 1);
                return new CaseRun(() => b.Backend.SgdStep(p, g, v, 0.1f, momentum, decay), new CaseOutput("velocity", v), new CaseOutput("parameters", p));
            })
        { Calls = Steps };

    private static KernelCase Adam(int length, AdamParameters hyper, CaseTier tier)
        => new("optimiser", "AdamStep", CaseShapes.Text(length, 1),
            $"lr={hyper.LearningRate} b1={hyper.Beta1} b2={hyper.Beta2} eps={hyper.Epsilon} wd={hyper.WeightDecay}{(hyper.Decoupled ? " adamw" : "")}",
            tier, new(1e-5f, 1e-6f), length, n => new(14.0 * n, 28.0 * n), (b, n) =>
            {
                var (p, g, m, v) = (b.Random(n, 1), b.Random(n, 1), b.Zeros(n, 1), b.Zeros(n, 1));
                int step = 0;
                return new CaseRun(() => b.Backend.AdamStep(p, g, m, v, hyper, ++step),
                    new CaseOutput("m", m, new(1e-5f, 1e-7f)), new CaseOutput("v", v, new(1e-5f, 1e-9f)), new CaseOutput("parameters", p));
            })
        { Calls = Steps };
}
