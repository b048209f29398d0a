namespace DpSynth.Kernels;

/// <summary>
/// The argument checks of every op of <see cref="IComputeBackend"/> (GEMM aside), written once so
/// that every backend refuses the same misuse with the same message. Vectors (bias, γ, β, norms,
/// factors, per-row statistics, u, v) are checked by length, so 1×n and n×1 are both accepted.
/// </summary>
internal static class OpPreconditions
{
    public static void AddBias(IComputeBackend b, Tensor x, Tensor bias)
    {
        ShapeCheck.Owned(b, nameof(AddBias), x, bias);
        Length(bias, x.Cols, nameof(AddBias), "bias", x, "x");
    }

    public static void BiasGradient(IComputeBackend b, Tensor dy, Tensor dbias)
    {
        ShapeCheck.Owned(b, nameof(BiasGradient), dy, dbias);
        Length(dbias, dy.Cols, nameof(BiasGradient), "dbias", dy, "dy");
    }

    public static void Axpy(IComputeBackend b, Tensor x, Tensor y)
    {
        ShapeCheck.Owned(b, nameof(Axpy), x, y);
        ShapeCheck.SameLength(x, y, nameof(Axpy));
    }

    public static void Multiply(IComputeBackend b, Tensor x, Tensor y, Tensor z)
    {
        ShapeCheck.Owned(b, nameof(Multiply), x, y, z);
        ShapeCheck.SameShape(x, y, nameof(Multiply), "x", "y");
        ShapeCheck.SameShape(x, z, nameof(Multiply), "x", "z");
    }

    public static void CopyColumns(IComputeBackend b, Tensor src, int srcColumn, Tensor dst, int dstColumn, int count)
    {
        ShapeCheck.Owned(b, nameof(CopyColumns), src, dst);
        ShapeCheck.SameRows(src, dst, nameof(CopyColumns), "src", "dst");
        ShapeCheck.ColumnRange(src, srcColumn, count, nameof(CopyColumns), "src");
        ShapeCheck.ColumnRange(dst, dstColumn, count, nameof(CopyColumns), "dst");
    }

    public static void ActivationForward(IComputeBackend b, Activation f, Tensor x, Tensor y)
    {
        ShapeCheck.Owned(b, nameof(ActivationForward), x, y);
        Known(f, nameof(ActivationForward));
        ShapeCheck.SameShape(x, y, nameof(ActivationForward), "x", "y");
    }

    public static void ActivationBackward(IComputeBackend b, Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        const string op = nameof(ActivationBackward);
        ShapeCheck.Owned(b, op, x, y, dy, dx);
        Known(f, op);
        ShapeCheck.SameShape(x, y, op, "x", "y");
        ShapeCheck.SameShape(x, dy, op, "x", "dy");
        ShapeCheck.SameShape(x, dx, op, "x", "dx");
    }

    public static void Softmax(IComputeBackend b, Tensor x, Tensor y, ColumnSpans spans)
    {
        ShapeCheck.Owned(b, nameof(Softmax), x, y);
        ShapeCheck.SameShape(x, y, nameof(Softmax), "x", "y");
        Fits(spans, x, nameof(Softmax), "x");
    }

    public static void SoftmaxBackward(IComputeBackend b, Tensor y, Tensor dy, Tensor dx, ColumnSpans spans)
    {
        const string op = nameof(SoftmaxBackward);
        ShapeCheck.Owned(b, op, y, dy, dx);
        ShapeCheck.SameShape(y, dy, op, "y", "dy");
        ShapeCheck.SameShape(y, dx, op, "y", "dx");
        Fits(spans, y, op, "y");
    }

    public static void MseLoss(IComputeBackend b, Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss, Tensor? columnWeights)
    {
        const string op = nameof(MseLoss);
        ShapeCheck.Owned(b, op, prediction, target, dPrediction, rowLoss, columnWeights);
        ShapeCheck.SameShape(prediction, target, op, "prediction", "target");
        ShapeCheck.SameShape(prediction, dPrediction, op, "prediction", "dPrediction");
        if (rowLoss is not null) Length(rowLoss, prediction.Rows, op, "rowLoss", prediction, "prediction");
        if (columnWeights is not null) Length(columnWeights, prediction.Cols, op, "columnWeights", prediction, "prediction");
    }

    public static void CrossEntropyLoss(IComputeBackend b, Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss)
    {
        const string op = nameof(CrossEntropyLoss);
        ShapeCheck.Owned(b, op, logits, target, dLogits, rowLoss);
        ShapeCheck.SameShape(logits, target, op, "logits", "target");
        ShapeCheck.SameShape(logits, dLogits, op, "logits", "dLogits");
        Fits(spans, logits, op, "logits");
        if (rowLoss is not null) Length(rowLoss, logits.Rows, op, "rowLoss", logits, "logits");
    }

    public static void LayerNormForward(IComputeBackend b, Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd)
    {
        const string op = nameof(LayerNormForward);
        ShapeCheck.Owned(b, op, x, gamma, beta, y, mean, rstd);
        ShapeCheck.SameShape(x, y, op, "x", "y");
        PerColumnAndRow(op, x, gamma, beta, mean, rstd);
    }

    public static void LayerNormBackward(IComputeBackend b, Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta)
    {
        const string op = nameof(LayerNormBackward);
        ShapeCheck.Owned(b, op, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        ShapeCheck.SameShape(x, dy, op, "x", "dy");
        ShapeCheck.SameShape(x, dx, op, "x", "dx");
        PerColumnAndRow(op, x, gamma, dgamma, mean, rstd);
        Length(dbeta, x.Cols, op, "dbeta", x, "x");
    }

    public static void RowSquaredNorms(IComputeBackend b, Tensor x, Tensor norms)
    {
        ShapeCheck.Owned(b, nameof(RowSquaredNorms), x, norms);
        Length(norms, x.Rows, nameof(RowSquaredNorms), "norms", x, "x");
    }

    public static void GroupedSumSquaredNorms(IComputeBackend b, Tensor x, int groupSize, Tensor norms)
    {
        const string op = nameof(GroupedSumSquaredNorms);
        ShapeCheck.Owned(b, op, x, norms);
        ShapeCheck.Grouped(x, groupSize, op, "x");
        Length(norms, x.Rows / groupSize, op, "norms", x, "x");
    }

    public static void LinearPerExampleSquaredNorms(IComputeBackend b, Tensor a, Tensor delta, int groupSize, Tensor norms)
    {
        const string op = nameof(LinearPerExampleSquaredNorms);
        ShapeCheck.Owned(b, op, a, delta, norms);
        ShapeCheck.SameRows(a, delta, op, "a", "delta");
        ShapeCheck.Grouped(a, groupSize, op, "a");
        Length(norms, a.Rows / groupSize, op, "norms", a, "a");
    }

    public static void ClipFactors(IComputeBackend b, Tensor squaredNorms, float clipNorm, Tensor factors)
    {
        ShapeCheck.Owned(b, nameof(ClipFactors), squaredNorms, factors);
        ShapeCheck.SameLength(squaredNorms, factors, nameof(ClipFactors));
        if (!(clipNorm > 0f))
            throw new ArgumentOutOfRangeException(nameof(clipNorm), $"{nameof(ClipFactors)}: the clip norm is {clipNorm}; it must be positive (+∞ disables clipping).");
    }

    public static void ScaleRows(IComputeBackend b, Tensor x, Tensor factors, int groupSize)
    {
        ShapeCheck.Owned(b, nameof(ScaleRows), x, factors);
        ShapeCheck.Grouped(x, groupSize, nameof(ScaleRows), "x");
        Length(factors, x.Rows / groupSize, nameof(ScaleRows), "factors", x, "x");
    }

    public static void SgdStep(IComputeBackend b, Tensor parameters, Tensor gradient, Tensor velocity)
    {
        ShapeCheck.Owned(b, nameof(SgdStep), parameters, gradient, velocity);
        ShapeCheck.SameLength(parameters, gradient, nameof(SgdStep));
        ShapeCheck.SameLength(parameters, velocity, nameof(SgdStep));
    }

    public static void AdamStep(IComputeBackend b, Tensor parameters, Tensor gradient, Tensor m, Tensor v, int step)
    {
        ShapeCheck.Owned(b, nameof(AdamStep), parameters, gradient, m, v);
        ShapeCheck.SameLength(parameters, gradient, nameof(AdamStep));
        ShapeCheck.SameLength(parameters, m, nameof(AdamStep));
        ShapeCheck.SameLength(parameters, v, nameof(AdamStep));
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), $"{nameof(AdamStep)}: step is {step}; steps are counted from 1.");
    }

    public static void PowerIteration(IComputeBackend b, Tensor w, Tensor u, Tensor v, int iterations)
    {
        const string op = nameof(PowerIteration);
        ShapeCheck.Owned(b, op, w, u, v);
        Length(u, w.Rows, op, "u", w, "W");
        Length(v, w.Cols, op, "v", w, "W");
        if (iterations < 0)
            throw new ArgumentOutOfRangeException(nameof(iterations), $"{op}: iterations is {iterations}; it must be zero or more.");
    }

    private static void PerColumnAndRow(string op, Tensor x, Tensor gamma, Tensor betaOrDgamma, Tensor mean, Tensor rstd)
    {
        Length(gamma, x.Cols, op, "gamma", x, "x");
        Length(betaOrDgamma, x.Cols, op, op == nameof(LayerNormForward) ? "beta" : "dgamma", x, "x");
        Length(mean, x.Rows, op, "mean", x, "x");
        Length(rstd, x.Rows, op, "rstd", x, "x");
    }

    // Messages are built only on failure: ops must not allocate on the success path.
    private static void Length(Tensor t, int length, string op, string name, Tensor of, string ofName)
    {
        if (t.Length != length)
            throw new ArgumentException($"{op}: {name} is {t.ShapeText} ({t.Length} elements) but {ofName} is {of.ShapeText}, so {name} needs {length} elements.");
    }

    private static void Fits(ColumnSpans spans, Tensor t, string op, string name)
    {
        if (spans.End > t.Cols)
            throw new ArgumentException($"{op}: the column spans reach column {spans.End} but {name} is {t.ShapeText}.");
    }

    private static void Known(Activation f, string op)
    {
        if ((uint)f > (uint)Activation.Sigmoid)
            throw new ArgumentOutOfRangeException(nameof(f), $"{op}: unknown activation {(int)f}.");
    }
}
