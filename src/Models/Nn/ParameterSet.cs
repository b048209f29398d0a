using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// All trainable parameters of a network in one flat P×1 vector. Each parameter's block starts on a
/// 16-float (64-byte) boundary so that its rows can be loaded with aligned Vector512 reads; the gaps
/// are never read by layers and only ever receive noise and optimiser updates, which is harmless.
/// </summary>
public sealed class ParameterSet : IDisposable
{
    private const int Alignment = 16;
    private readonly List<Parameter> _parameters = [];
    private Tensor? _values;

    /// <summary>The parameters in declaration order.</summary>
    public IReadOnlyList<Parameter> Items => _parameters;

    /// <summary>Most floats the flat vector may hold (the largest multiple of the alignment an int indexes).</summary>
    public const int MaxLength = int.MaxValue / Alignment * Alignment;

    /// <summary>Length of the flat vector including alignment gaps.</summary>
    public int Length { get; private set; }

    /// <summary>Number of trainable scalars (gaps excluded).</summary>
    public int Count => _parameters.Sum(p => p.Length);

    /// <summary>The flat parameter vector (P×1).</summary>
    public Tensor Values => _values ?? throw new InvalidOperationException("Parameters are not allocated yet.");

    /// <summary>Declares a rows × cols parameter; only before <see cref="Allocate"/>.</summary>
    public Parameter Add(string name, int rows, int cols)
    {
        if (_values is not null) throw new InvalidOperationException("Cannot add parameters after allocation.");
        if (rows <= 0 || cols <= 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Parameter {name} has shape {rows}×{cols}.");
        // In long, so that a matrix or a network too large for one flat float vector is refused
        // here instead of wrapping around to a small (or negative) length.
        long padded = ((long)rows * cols + Alignment - 1) / Alignment * Alignment;
        if (Length + padded > MaxLength)
            throw new OverflowException($"Parameter {name} ({rows}×{cols}) takes the network past {MaxLength} parameters, the most one flat vector holds.");
        var p = new Parameter(name, rows, cols, Length);
        _parameters.Add(p);
        Length += (int)padded;
        return p;
    }

    /// <summary>Allocates the flat vector on <paramref name="backend"/> and points every parameter at its block.</summary>
    public void Allocate(IComputeBackend backend)
    {
        if (_values is not null) throw new InvalidOperationException("Parameters are already allocated.");
        _values = backend.Allocate(Math.Max(Length, 1), 1);
        foreach (var p in _parameters) p.Value = p.ViewOf(_values);
    }

    /// <summary>A new zeroed vector with the parameters' layout (gradients, optimiser moments).</summary>
    public Tensor NewFlat() => Values.Backend.Allocate(Values.Rows, 1);

    /// <inheritdoc />
    public void Dispose() => _values?.Storage.Dispose();
}
