namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>SGD (with and without momentum and decay), Adam and AdamW over several steps, against the reference.</summary>
public abstract class OptimiserConformanceTests : BackendTestBase
{
    private const int Steps = 5;

    [Fact]
    public void Sgd_matches_reference()
    {
        foreach (int length in Sizes)
            foreach (var (momentum, decay) in new[] { (0f, 0f), (0.9f, 0f), (0.9f, 0.01f), (0f, 0.1f) })
            {
                string context = $"SGD n={length} μ={momentum} wd={decay}";
                var (p, pr) = RandomPair(length, 1, 61);
                // With μ = 0 the velocity's old contents must not matter, NaNs included.
                var start = momentum == 0f ? Enumerable.Repeat(float.NaN, length).ToArray() : new float[length];
                var (v, vr) = Pair(length, 1, start);
                for (int step = 0; step < Steps; step++)
                {
                    var (g, gr) = RandomPair(length, 1, 62 + step);
                    Backend.SgdStep(p, g, v, 0.1f, momentum, decay);
                    Reference.SgdStep(pr, gr, vr, 0.1f, momentum, decay);
                    AssertClose(vr, v, 1e-5f, 1e-6f, $"{context} step {step} velocity");
                    AssertClose(pr, p, 1e-5f, 1e-6f, $"{context} step {step} parameters");
                }
            }
    }

    [Fact]
    public void Adam_and_AdamW_match_reference()
    {
        foreach (int length in Sizes)
            foreach (var hyper in new AdamParameters[]
            {
                new(),
                new(LearningRate: 0.01f, WeightDecay: 0.1f),
                new(LearningRate: 0.01f, WeightDecay: 0.1f, Decoupled: true),
                new(LearningRate: 0.05f, Beta1: 0.5f, Beta2: 0.9f, Epsilon: 1e-4f),
            })
            {
                string context = $"Adam n={length} {hyper}";
                var (p, pr) = RandomPair(length, 1, 71);
                var (m, mr) = (Backend.Allocate(length, 1), Reference.Allocate(length, 1));
                var (v, vr) = (Backend.Allocate(length, 1), Reference.Allocate(length, 1));
                for (int step = 1; step <= Steps; step++)
                {
                    var (g, gr) = RandomPair(length, 1, 72 + step);
                    Backend.AdamStep(p, g, m, v, hyper, step);
                    Reference.AdamStep(pr, gr, mr, vr, hyper, step);
                    AssertClose(mr, m, 1e-5f, 1e-7f, $"{context} step {step} m");
                    AssertClose(vr, v, 1e-5f, 1e-9f, $"{context} step {step} v");
                    AssertClose(pr, p, 1e-5f, 1e-6f, $"{context} step {step} parameters");
                }
            }
    }
}
