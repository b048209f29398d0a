using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// Inverted dropout: in training each element is kept with probability 1 − p and scaled by 1/(1 − p);
/// at inference it is the identity. The mask of element (row, column) is a hash of (seed, step tag,
/// row, column), so it does not depend on how rows are split over workers and a run is reproducible.
/// </summary>
/// <remarks>The mask is drawn on the host and uploaded (one small copy per step), which works on every backend.</remarks>
public sealed class Dropout : Layer
{
    private IComputeBackend _backend = null!;
    private Tensor _output = null!, _mask = null!, _inputGradient = null!;
    private float[] _hostMask = [];

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="width">Number of features.</param>
    /// <param name="probability">Probability of dropping an element, in [0, 1).</param>
    /// <param name="seed">Seed of the masks.</param>
    public Dropout(int width, float probability, ulong seed)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"A dropout layer needs a positive width, got {width}.");
        if (!(probability >= 0 && probability < 1)) throw new ArgumentOutOfRangeException(nameof(probability), $"Dropout probability must be in [0, 1), got {probability}.");
        Width = width;
        Probability = probability;
        Seed = seed;
    }

    /// <summary>Number of features.</summary>
    public int Width { get; }

    /// <summary>Drop probability.</summary>
    public float Probability { get; }

    /// <summary>Seed of the masks.</summary>
    public ulong Seed { get; }

    /// <inheritdoc />
    public override int InputWidth => Width;

    /// <inheritdoc />
    public override int OutputWidth => Width;

    /// <inheritdoc />
    public override string Describe() => $"dropout {Width} p={Probability}";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        _output = builder.AllocateRows(Width);
        _mask = builder.AllocateRows(Width);
        _inputGradient = builder.AllocateGradientRows(Width);
        _hostMask = new float[(long)builder.MaxRows * Width];
    }

    private bool Active(in BatchPass pass) => pass.Training && Probability > 0;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        if (!Active(pass)) return x;
        var host = _hostMask.AsSpan(pass.Start * Width, pass.Rows * Width);
        float keep = 1f / (1f - Probability);
        ulong stepKey = Mix(Seed ^ Mix((ulong)pass.RandomTag + 0x632BE59BD9B4E019UL));
        // 24-bit uniforms are plenty for a keep/drop decision.
        uint threshold = (uint)Math.Round(Probability * (1 << 24));
        for (int i = 0; i < host.Length; i++)
        {
            ulong element = (ulong)(pass.Start * (long)Width + i);
            host[i] = (uint)(Mix(stepKey + element) >> 40) < threshold ? 0f : keep;
        }
        var mask = pass.Slice(_mask);
        _backend.Upload(host, mask);
        var y = pass.Slice(_output);
        _backend.Multiply(x, mask, y);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        if (!Active(pass)) return dy;
        var dx = pass.Slice(_inputGradient);
        _backend.Multiply(dy, pass.Slice(_mask), dx);
        return dx;
    }

    /// <summary>SplitMix64 finaliser: a cheap, well-mixed 64-bit hash.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
