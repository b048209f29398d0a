namespace DpSynth.Kernels.Tests.Reference;

/// <summary>Optimiser steps against numbers worked out by hand (see the comments for the arithmetic).</summary>
public sealed class ReferenceOptimiserTests : ReferenceFixture
{
    [Fact]
    public void Adam_two_steps_match_the_hand_computed_values()
    {
        // lr 0.1, β1 0.9, β2 0.999, ε 1e-8; p = [1, −2]; g1 = [0.5, −0.1]; g2 = [0.25, 0.3].
        // Step 1 (element 0): m = 0.1·0.5 = 0.05; v = 0.001·0.25 = 0.00025; m̂ = 0.5; v̂ = 0.25;
        //   p = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002.
        // Step 2: m = 0.9·0.05 + 0.1·0.25 = 0.07; v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225;
        //   m̂ = 0.07/0.19 = 0.36842105; v̂ = 0.00031225/0.001999 = 0.15620310; √v̂ = 0.39522538;
        //   p = 0.900000002 − 0.1·0.36842105/0.39522538 = 0.900000002 − 0.09321796 = 0.80678204.
        // Element 1: m1 = −0.01, v1 = 1e-5, p1 = −1.90000001; m2 = 0.021, v2 = 0.00009999,
        //   m̂ = 0.11052632, √v̂ = √0.05002001 = 0.22365597, p2 = −1.90000001 − 0.04941899 = −1.94941900.
        var hyper = new AdamParameters(LearningRate: 0.1f);
        var (p, m, v) = (Make(1, 2, [1f, -2f]), Ref.Allocate(1, 2), Ref.Allocate(1, 2));
        Ref.AdamStep(p, Make(1, 2, [0.5f, -0.1f]), m, v, hyper, 1);
        AssertValues([0.900000002, -1.90000001], Host(p), "Adam step 1 p");
        AssertValues([0.05, -0.01], Host(m), "Adam step 1 m");
        AssertValues([0.00025, 1e-5], Host(v), "Adam step 1 v", SecondMomentTolerance);
        Ref.AdamStep(p, Make(1, 2, [0.25f, 0.3f]), m, v, hyper, 2);
        AssertValues([0.80678204, -1.94941900], Host(p), "Adam step 2 p");
        AssertValues([0.07, 0.021], Host(m), "Adam step 2 m");
        AssertValues([0.00031225, 0.00009999], Host(v), "Adam step 2 v", SecondMomentTolerance);
    }

    [Fact]
    public void AdamW_decays_the_weights_directly()
    {
        // As above (element 0) with decoupled wd 0.1: each step also subtracts lr·wd·p = 0.01·p.
        // Step 1: p = 1 − 0.1 − 0.01·1 = 0.89 (0.890000002). Step 2: 0.890000002 − 0.09321796 − 0.0089 = 0.78788204.
        var hyper = new AdamParameters(LearningRate: 0.1f, WeightDecay: 0.1f, Decoupled: true);
        var (p, m, v) = (Make(1, 1, [1f]), Ref.Allocate(1, 1), Ref.Allocate(1, 1));
        Ref.AdamStep(p, Make(1, 1, [0.5f]), m, v, hyper, 1);
        AssertValues([0.890000002], Host(p), "AdamW step 1");
        Ref.AdamStep(p, Make(1, 1, [0.25f]), m, v, hyper, 2);
        AssertValues([0.78788204], Host(p), "AdamW step 2");
    }

    [Fact]
    public void Sgd_momentum_and_decay_match_the_hand_computed_values()
    {
        // p = 2, g = 1, lr 0.1, μ 0.5, wd 0.1: g' = 1.2, v = 1.2, p = 1.88;
        // then g = 1: g' = 1 + 0.188 = 1.188, v = 0.6 + 1.188 = 1.788, p = 1.88 − 0.1788 = 1.7012.
        var (p, v) = (Make(1, 1, [2f]), Ref.Allocate(1, 1));
        Ref.SgdStep(p, Make(1, 1, [1f]), v, 0.1f, 0.5f, 0.1f);
        AssertValues([1.88], Host(p), "SGD step 1 p");
        AssertValues([1.2], Host(v), "SGD step 1 v");
        Ref.SgdStep(p, Make(1, 1, [1f]), v, 0.1f, 0.5f, 0.1f);
        AssertValues([1.7012], Host(p), "SGD step 2 p");
        AssertValues([1.788], Host(v), "SGD step 2 v");
    }

    // The hyper-parameters are floats (0.9f is 0.899999976…, 0.999f is 0.999000013…), which moves
    // the results from the exact decimal arithmetic above by a few parts in 10⁷ — and v by 1.3e-5,
    // since 1 − 0.999f is 0.000999987. A wrong formula is off by 1e-3 or more.
    private const double SecondMomentTolerance = 2e-5;

    private static void AssertValues(double[] expected, float[] actual, string context, double rtol = 1e-6)
    {
        for (int i = 0; i < expected.Length; i++) Near(expected[i], actual[i], rtol, 1e-12, $"{context}[{i}]");
    }
}
