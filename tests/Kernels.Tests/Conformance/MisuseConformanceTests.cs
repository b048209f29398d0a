namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>
/// Misuse of the API is refused with an <see cref="ArgumentException"/> whose message names the
/// shapes involved, before anything is written.
/// </summary>
public abstract class MisuseConformanceTests : BackendTestBase
{
    private IEnumerable<(string Case, string MustMention, Action Call)> Cases()
    {
        var b = Backend;
        Tensor T(int rows, int cols) => b.Allocate(rows, cols);
        var spans = new ColumnSpans([(0, 2), (3, 4)]);
        var foreign = Reference.Allocate(4, 5);

        yield return ("AddBias bias too short", "4×5", () => b.AddBias(T(4, 5), T(1, 4)));
        yield return ("BiasGradient dbias wrong", "3×1", () => b.BiasGradient(T(4, 5), T(3, 1)));
        yield return ("Axpy lengths differ", "4×6", () => b.Axpy(1f, T(4, 5), T(4, 6)));
        yield return ("Multiply shapes differ", "5×4", () => b.Multiply(T(4, 5), T(5, 4), T(4, 5)));
        yield return ("CopyColumns span outside src", "4×5", () => b.CopyColumns(T(4, 5), 3, T(4, 9), 0, 3));
        yield return ("CopyColumns span outside dst", "4×3", () => b.CopyColumns(T(4, 5), 0, T(4, 3), 1, 3));
        yield return ("CopyColumns rows differ", "3×5", () => b.CopyColumns(T(4, 5), 0, T(3, 5), 0, 2));
        yield return ("ActivationForward shapes differ", "4×4", () => b.ActivationForward(Activation.ReLU, T(4, 5), T(4, 4)));
        yield return ("ActivationBackward dy wrong", "2×5", () => b.ActivationBackward(Activation.Tanh, T(4, 5), T(4, 5), T(2, 5), T(4, 5)));
        yield return ("Softmax spans past the row", "4×6", () => b.Softmax(T(4, 6), T(4, 6), spans));
        yield return ("SoftmaxBackward dx wrong", "4×8", () => b.SoftmaxBackward(T(4, 7), T(4, 7), T(4, 8), spans));
        yield return ("MseLoss target wrong", "4×6", () => b.MseLoss(T(4, 5), T(4, 6), T(4, 5)));
        yield return ("MseLoss weights wrong", "1×4", () => b.MseLoss(T(4, 5), T(4, 5), T(4, 5), null, T(1, 4)));
        yield return ("MseLoss rowLoss wrong", "5×1", () => b.MseLoss(T(4, 5), T(4, 5), T(4, 5), T(5, 1)));
        yield return ("CrossEntropy spans past the row", "4×6", () => b.CrossEntropyLoss(T(4, 6), T(4, 6), spans, T(4, 6)));
        yield return ("LayerNorm gamma wrong", "1×4", () => b.LayerNormForward(T(4, 5), T(1, 4), T(1, 5), T(4, 5), T(4, 1), T(4, 1)));
        yield return ("LayerNorm stats wrong", "3×1", () => b.LayerNormForward(T(4, 5), T(1, 5), T(1, 5), T(4, 5), T(3, 1), T(4, 1)));
        yield return ("LayerNormBackward dbeta wrong", "1×6", () => b.LayerNormBackward(T(4, 5), T(4, 5), T(1, 5), T(4, 1), T(4, 1), T(4, 5), T(1, 5), T(1, 6)));
        yield return ("RowSquaredNorms norms wrong", "5×1", () => b.RowSquaredNorms(T(4, 5), T(5, 1)));
        yield return ("GroupedSumSquaredNorms group does not divide", "7×5", () => b.GroupedSumSquaredNorms(T(7, 5), 3, T(2, 1)));
        yield return ("GroupedSumSquaredNorms group zero", "6×5", () => b.GroupedSumSquaredNorms(T(6, 5), 0, T(2, 1)));
        yield return ("LinearPerExample rows differ", "5×3", () => b.LinearPerExampleSquaredNorms(T(6, 5), T(5, 3), 1, false, T(6, 1)));
        yield return ("LinearPerExample group does not divide", "6×5", () => b.LinearPerExampleSquaredNorms(T(6, 5), T(6, 3), 4, true, T(1, 1)));
        yield return ("LinearPerExample norms wrong", "3×1", () => b.LinearPerExampleSquaredNorms(T(6, 5), T(6, 3), 3, true, T(3, 1)));
        yield return ("ClipFactors lengths differ", "4×1", () => b.ClipFactors(T(4, 1), 1f, T(5, 1)));
        yield return ("ClipFactors non-positive clip", "clip norm", () => b.ClipFactors(T(4, 1), 0f, T(4, 1)));
        yield return ("ScaleRows factors wrong", "6×5", () => b.ScaleRows(T(6, 5), T(3, 1), 3));
        yield return ("SgdStep velocity wrong", "4×4", () => b.SgdStep(T(4, 5), T(4, 5), T(4, 4), 0.1f));
        yield return ("AdamStep m wrong", "4×4", () => b.AdamStep(T(4, 5), T(4, 5), T(4, 4), T(4, 5), new AdamParameters(), 1));
        yield return ("AdamStep step zero", "step", () => b.AdamStep(T(4, 5), T(4, 5), T(4, 5), T(4, 5), new AdamParameters(), 0));
        yield return ("PowerIteration u wrong", "4×5", () => b.PowerIteration(T(4, 5), T(1, 5), T(1, 5)));
        yield return ("PowerIteration v wrong", "1×4", () => b.PowerIteration(T(4, 5), T(1, 4), T(1, 4)));
        yield return ("tensor of another backend", "reference", () => b.AddBias(foreign, T(1, 5)));
        yield return ("tensor of another backend (output)", "reference", () => b.ActivationForward(Activation.ReLU, T(4, 5), foreign));
    }

    [Fact]
    public void Misuse_throws_ArgumentException_naming_the_shapes()
    {
        foreach (var (name, mustMention, call) in Cases())
        {
            var ex = Record.Exception(call);
            Assert.True(ex is ArgumentException, $"{name}: expected an ArgumentException, got {ex?.GetType().Name ?? "no exception"}");
            Assert.True(ex!.Message.Contains(mustMention, StringComparison.Ordinal), $"{name}: message \"{ex.Message}\" does not mention {mustMention}");
        }
    }

    [Fact]
    public void Misuse_leaves_outputs_untouched()
    {
        var x = Make(Backend, 2, 3, [1f, 2f, 3f, 4f, 5f, 6f]);
        Assert.ThrowsAny<ArgumentException>(() => Backend.AddBias(x, Backend.Allocate(1, 2)));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Host(x));
    }
}
