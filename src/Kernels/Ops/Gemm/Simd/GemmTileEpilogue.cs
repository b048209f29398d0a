using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// The fused part of C = act(α·op(A)·op(B) + β·C + bias): run on each finished tile while it is
/// still in L1, so the epilogue never costs an extra pass over C in memory. The activations are the
/// same operator structs <see cref="SimdBackend.ActivationForward"/> uses, so a fused epilogue gives
/// the same values as a separate activation pass.
/// </summary>
internal readonly unsafe struct GemmTileEpilogue
{
    /// <summary>Bias padded with zeros to whole tiles (null for none).</summary>
    public readonly float* Bias;
    public readonly Activation Activation;
    public readonly float Parameter;

    public GemmTileEpilogue(float* bias, Activation activation, float parameter)
    {
        Bias = bias;
        Activation = activation;
        Parameter = parameter;
    }

    /// <summary>True when the epilogue changes nothing.</summary>
    public bool IsNone => Bias == null && Activation == Activation.None;

    /// <summary>
    /// Applies bias (columns <paramref name="column"/>… of the padded bias) and the activation to a
    /// rows × cols tile at <paramref name="c"/>; cols is a multiple of the vector width (8 or 16).
    /// </summary>
    public void Apply(float* c, nint ldc, int rows, int cols, int column)
    {
        float* bias = Bias == null ? null : Bias + column;
        switch (Activation)
        {
            case Activation.None: Apply(c, ldc, rows, cols, bias, new BiasOnly()); break;
            case Activation.ReLU: Apply(c, ldc, rows, cols, bias, new ReluOperator()); break;
            case Activation.LeakyReLU: Apply(c, ldc, rows, cols, bias, new LeakyReluOperator(Parameter)); break;
            case Activation.SiLU: Apply(c, ldc, rows, cols, bias, new SiluOperator()); break;
            case Activation.Gelu: Apply(c, ldc, rows, cols, bias, new GeluOperator()); break;
            case Activation.Tanh: Apply(c, ldc, rows, cols, bias, new TanhOperator()); break;
            case Activation.Sigmoid: Apply(c, ldc, rows, cols, bias, new SigmoidOperator()); break;
            default: throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Unknown activation.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply<TActivation>(float* c, nint ldc, int rows, int cols, float* bias, TActivation f)
        where TActivation : struct, IUnaryOperator
    {
        bool wide = Vector512.IsHardwareAccelerated && cols % Vector512<float>.Count == 0;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            if (wide)
            {
                for (int j = 0; j < cols; j += Vector512<float>.Count)
                {
                    var v = Vector512.Load(c + j);
                    if (bias != null) v += Vector512.Load(bias + j);
                    f.Invoke(v).Store(c + j);
                }
            }
            else
            {
                for (int j = 0; j < cols; j += Vector256<float>.Count)
                {
                    var v = Vector256.Load(c + j);
                    if (bias != null) v += Vector256.Load(bias + j);
                    f.Invoke(v).Store(c + j);
                }
            }
        }
    }

    /// <summary>Activation.None: the epilogue only adds the bias.</summary>
    private readonly struct BiasOnly : IUnaryOperator
    {
        public float Invoke(float x) => x;
        public Vector256<float> Invoke(Vector256<float> x) => x;
        public Vector512<float> Invoke(Vector512<float> x) => x;
    }
}
