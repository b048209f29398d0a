using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// One trainable matrix of a network. Its values live at <see cref="Offset"/> in the network's flat
/// parameter vector, and its gradient at the same offset of every flat gradient buffer, so that
/// reduction, noise and the optimiser step each run over one contiguous vector.
/// </summary>
public sealed class Parameter
{
    internal Parameter(string name, int rows, int cols, int offset)
    {
        Name = name;
        Rows = rows;
        Cols = cols;
        Offset = offset;
    }

    /// <summary>Name, unique within the network (e.g. "2.linear.weight").</summary>
    public string Name { get; }

    /// <summary>Rows of the matrix.</summary>
    public int Rows { get; }

    /// <summary>Columns of the matrix.</summary>
    public int Cols { get; }

    /// <summary>Rows × Cols.</summary>
    public int Length => Rows * Cols;

    /// <summary>Position in the flat parameter vector, in floats.</summary>
    public int Offset { get; }

    /// <summary>The parameter's values (a view into the flat vector); set once the set is allocated.</summary>
    public Tensor Value { get; internal set; } = null!;

    /// <summary>This parameter's block of a flat P×1 vector laid out like the parameters (a gradient, a moment, …).</summary>
    public Tensor ViewOf(Tensor flat) => flat.SliceRows(Offset, Length).Reshape(Rows, Cols);
}
