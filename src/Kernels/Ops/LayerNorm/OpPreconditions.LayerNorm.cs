namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
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

    private static void PerColumnAndRow(string op, Tensor x, Tensor gamma, Tensor betaOrDgamma, Tensor mean, Tensor rstd)
    {
        Length(gamma, x.Cols, op, "gamma", x, "x");
        Length(betaOrDgamma, x.Cols, op, op == nameof(LayerNormForward) ? "beta" : "dgamma", x, "x");
        Length(mean, x.Rows, op, "mean", x, "x");
        Length(rstd, x.Rows, op, "rstd", x, "x");
    }
}
