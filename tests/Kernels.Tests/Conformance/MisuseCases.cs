using DpSynth.Kernels.Cases;

namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>
/// Misuse of the op set, the same for every backend: each call must throw an
/// <see cref="ArgumentException"/> whose message mentions the given texts (shapes, usually), and
/// must not have written anything.
/// </summary>
internal static class MisuseCases
{
    private sealed record Case(string Name, string[] Mentions, Func<CaseBuilder, IComputeBackend, Action> Call);

    private static readonly ColumnSpans Spans = new([(0, 2), (3, 4)]);

    private static readonly Case[] All =
    [
        new("AddBias bias too short", ["4×5"], (t, _) => () => t.Backend.AddBias(t.Zeros(4, 5), t.Zeros(1, 4))),
        new("BiasGradient dbias wrong", ["3×1"], (t, _) => () => t.Backend.BiasGradient(t.Zeros(4, 5), t.Zeros(3, 1))),
        new("Axpy lengths differ", ["4×6"], (t, _) => () => t.Backend.Axpy(1f, t.Zeros(4, 5), t.Zeros(4, 6))),
        new("Multiply shapes differ", ["5×4"], (t, _) => () => t.Backend.Multiply(t.Zeros(4, 5), t.Zeros(5, 4), t.Zeros(4, 5))),
        new("CopyColumns span outside src", ["4×5"], (t, _) => () => t.Backend.CopyColumns(t.Zeros(4, 5), 3, t.Zeros(4, 9), 0, 3)),
        new("CopyColumns span outside dst", ["4×3"], (t, _) => () => t.Backend.CopyColumns(t.Zeros(4, 5), 0, t.Zeros(4, 3), 1, 3)),
        new("CopyColumns rows differ", ["3×5"], (t, _) => () => t.Backend.CopyColumns(t.Zeros(4, 5), 0, t.Zeros(3, 5), 0, 2)),
        new("ActivationForward shapes differ", ["4×4"], (t, _) => () => t.Backend.ActivationForward(Activation.ReLU, t.Zeros(4, 5), t.Zeros(4, 4))),
        new("ActivationBackward dy wrong", ["2×5"], (t, _) => () => t.Backend.ActivationBackward(Activation.Tanh, t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(2, 5), t.Zeros(4, 5))),
        new("Softmax spans past the row", ["4×6"], (t, _) => () => t.Backend.Softmax(t.Zeros(4, 6), t.Zeros(4, 6), Spans)),
        new("SoftmaxBackward dx wrong", ["4×8"], (t, _) => () => t.Backend.SoftmaxBackward(t.Zeros(4, 7), t.Zeros(4, 7), t.Zeros(4, 8), Spans)),
        new("MseLoss target wrong", ["4×6"], (t, _) => () => t.Backend.MseLoss(t.Zeros(4, 5), t.Zeros(4, 6), t.Zeros(4, 5))),
        new("MseLoss weights wrong", ["1×4"], (t, _) => () => t.Backend.MseLoss(t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(4, 5), null, t.Zeros(1, 4))),
        new("MseLoss rowLoss wrong", ["5×1"], (t, _) => () => t.Backend.MseLoss(t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(5, 1))),
        new("CrossEntropy spans past the row", ["4×6"], (t, _) => () => t.Backend.CrossEntropyLoss(t.Zeros(4, 6), t.Zeros(4, 6), Spans, t.Zeros(4, 6))),
        new("LayerNorm gamma wrong", ["1×4"], (t, _) => () => t.Backend.LayerNormForward(t.Zeros(4, 5), t.Zeros(1, 4), t.Zeros(1, 5), t.Zeros(4, 5), t.Zeros(4, 1), t.Zeros(4, 1))),
        new("LayerNorm stats wrong", ["3×1"], (t, _) => () => t.Backend.LayerNormForward(t.Zeros(4, 5), t.Zeros(1, 5), t.Zeros(1, 5), t.Zeros(4, 5), t.Zeros(3, 1), t.Zeros(4, 1))),
        new("LayerNormBackward dbeta wrong", ["1×6"], (t, _) => () => t.Backend.LayerNormBackward(t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(1, 5), t.Zeros(4, 1), t.Zeros(4, 1), t.Zeros(4, 5), t.Zeros(1, 5), t.Zeros(1, 6))),
        new("RowSquaredNorms norms wrong", ["5×1"], (t, _) => () => t.Backend.RowSquaredNorms(t.Zeros(4, 5), t.Zeros(5, 1))),
        new("GroupedSumSquaredNorms group does not divide", ["7×5"], (t, _) => () => t.Backend.GroupedSumSquaredNorms(t.Zeros(7, 5), 3, t.Zeros(2, 1))),
        new("GroupedSumSquaredNorms group zero", ["6×5"], (t, _) => () => t.Backend.GroupedSumSquaredNorms(t.Zeros(6, 5), 0, t.Zeros(2, 1))),
        new("LinearPerExample rows differ", ["5×3"], (t, _) => () => t.Backend.LinearPerExampleSquaredNorms(t.Zeros(6, 5), t.Zeros(5, 3), 1, false, t.Zeros(6, 1))),
        new("LinearPerExample group does not divide", ["6×5"], (t, _) => () => t.Backend.LinearPerExampleSquaredNorms(t.Zeros(6, 5), t.Zeros(6, 3), 4, true, t.Zeros(1, 1))),
        new("LinearPerExample norms wrong", ["3×1"], (t, _) => () => t.Backend.LinearPerExampleSquaredNorms(t.Zeros(6, 5), t.Zeros(6, 3), 3, true, t.Zeros(3, 1))),
        new("ClipFactors lengths differ", ["4×1"], (t, _) => () => t.Backend.ClipFactors(t.Zeros(4, 1), 1f, t.Zeros(5, 1))),
        new("ClipFactors non-positive clip", ["clip norm"], (t, _) => () => t.Backend.ClipFactors(t.Zeros(4, 1), 0f, t.Zeros(4, 1))),
        new("ScaleRows factors wrong", ["6×5"], (t, _) => () => t.Backend.ScaleRows(t.Zeros(6, 5), t.Zeros(3, 1), 3)),
        new("SgdStep velocity wrong", ["4×4"], (t, _) => () => t.Backend.SgdStep(t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(4, 4), 0.1f)),
        new("AdamStep m wrong", ["4×4"], (t, _) => () => t.Backend.AdamStep(t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(4, 4), t.Zeros(4, 5), new AdamParameters(), 1)),
        new("AdamStep step zero", ["step"], (t, _) => () => t.Backend.AdamStep(t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(4, 5), t.Zeros(4, 5), new AdamParameters(), 0)),
        new("PowerIteration u wrong", ["4×5"], (t, _) => () => t.Backend.PowerIteration(t.Zeros(4, 5), t.Zeros(1, 5), t.Zeros(1, 5))),
        new("PowerIteration v wrong", ["1×4"], (t, _) => () => t.Backend.PowerIteration(t.Zeros(4, 5), t.Zeros(1, 4), t.Zeros(1, 4))),
        new("Gemm inner dimensions differ", ["7×5", "6×3"], (t, _) => () => t.Backend.Gemm(t.Zeros(7, 5), false, t.Zeros(6, 3), false, t.Zeros(7, 3))),
        new("Gemm inner dimensions differ, A transposed", ["7×5", "6×3"], (t, _) => () => t.Backend.Gemm(t.Zeros(7, 5), true, t.Zeros(6, 3), false, t.Zeros(5, 3))),
        new("Gemm inner dimensions differ, B transposed", ["7×5", "6×3"], (t, _) => () => t.Backend.Gemm(t.Zeros(7, 5), false, t.Zeros(6, 3), true, t.Zeros(7, 6))),
        new("Gemm C shape", ["4×3", "7×3"], (t, _) => () => t.Backend.Gemm(t.Zeros(7, 5), false, t.Zeros(5, 3), false, t.Zeros(4, 3))),
        new("Gemm C shape, both transposed", ["5×4", "5×3"], (t, _) => () => t.Backend.Gemm(t.Zeros(7, 5), true, t.Zeros(3, 7), true, t.Zeros(5, 4))),
        new("Gemm bias length", ["1×4", "1×3"], (t, _) => () => t.Backend.Gemm(t.Zeros(7, 5), false, t.Zeros(5, 3), false, t.Zeros(7, 3), 1f, 0f, new GemmEpilogue(t.Zeros(1, 4)))),
        new("Gemm C aliases A", ["7×3"], (t, _) => () => { var c = t.Zeros(7, 3); t.Backend.Gemm(c, false, t.Zeros(3, 3), false, c); }),
        new("tensor of another backend", ["reference"], (t, other) => () => t.Backend.AddBias(other.Allocate(4, 5), t.Zeros(1, 5))),
        new("tensor of another backend (output)", ["reference"], (t, other) => () => t.Backend.ActivationForward(Activation.ReLU, t.Zeros(4, 5), other.Allocate(4, 5))),
    ];

    /// <summary>The case names.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name).Append(Untouched);

    private const string Untouched = "refused AddBias leaves x untouched";

    /// <summary>Runs the misuse <paramref name="name"/> on <paramref name="backend"/>; <paramref name="other"/> is a second backend whose tensors it must refuse.</summary>
    public static void Check(string name, IComputeBackend backend, IComputeBackend other)
    {
        using var tensors = new CaseBuilder(backend, 0);
        if (name == Untouched)
        {
            float[] data = [1f, 2f, 3f, 4f, 5f, 6f];
            var x = tensors.Put(2, 3, data);
            Assert.ThrowsAny<ArgumentException>(() => backend.AddBias(x, tensors.Zeros(1, 2)));
            var after = new float[6];
            backend.Download(x, after);
            Assert.Equal(data, after);
            return;
        }
        var misuse = All.Single(c => c.Name == name);
        var e = Record.Exception(misuse.Call(tensors, other));
        Assert.True(e is ArgumentException, $"{backend.Name} {name}: expected an ArgumentException, got {e?.GetType().Name ?? "no exception"}");
        foreach (string text in misuse.Mentions)
            Assert.True(e!.Message.Contains(text, StringComparison.Ordinal), $"{backend.Name} {name}: message \"{e.Message}\" does not mention {text}");
    }
}
