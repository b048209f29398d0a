using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// A learned embedding of a small integer input (e.g. a diffusion step) carried in one input column.
/// The output is the other input columns followed by the index's embedding row:
/// width = inputs − 1 + dimension.
/// </summary>
/// <remarks>
/// Internally the index becomes a one-hot row o_t, and the embedding is o_t·E — a bias-free linear
/// layer on one-hot inputs. That makes every DP path the linear layer's: the per-example gradient is
/// Σ_t o_t·δ_tᵀ, its ghost norm Σ_{t,t'} [k_t = k_t']·δ_t·δ_t' comes from the same Gram-matrix op, and
/// the clipped sum is one GEMM. The one-hot rows are built on the host (indices are read back once
/// per pass), so it works on any backend; it is meant for small vocabularies.
/// </remarks>
public sealed class Embedding : Layer
{
    private IComputeBackend _backend = null!;
    private Tensor _oneHot = null!, _embedded = null!, _output = null!, _embeddingGradient = null!, _inputGradient = null!, _indexColumn = null!;
    private float[] _hostIndices = [], _hostOneHot = [];

    /// <summary>Creates an embedding.</summary>
    /// <param name="inputs">Input width, including the index column.</param>
    /// <param name="count">Number of distinct indices (valid indices are 0 … count − 1).</param>
    /// <param name="dimension">Embedding width.</param>
    /// <param name="indexColumn">Which input column holds the index; the last one when negative.</param>
    public Embedding(int inputs, int count, int dimension, int indexColumn = -1)
    {
        if (inputs <= 0 || count <= 0 || dimension <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputs), $"Embedding needs positive inputs, count and dimension (got {inputs}, {count}, {dimension}).");
        IndexColumn = indexColumn < 0 ? inputs - 1 : indexColumn;
        if (IndexColumn >= inputs) throw new ArgumentOutOfRangeException(nameof(indexColumn), $"Index column {indexColumn} is outside {inputs} input columns.");
        Inputs = inputs;
        Count = count;
        Dimension = dimension;
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Number of distinct indices.</summary>
    public int Count { get; }

    /// <summary>Embedding width.</summary>
    public int Dimension { get; }

    /// <summary>The input column holding the index.</summary>
    public int IndexColumn { get; }

    /// <summary>The count×dimension embedding table.</summary>
    public Parameter Table { get; private set; } = null!;

    /// <inheritdoc />
    public override int InputWidth => Inputs;

    /// <inheritdoc />
    public override int OutputWidth => Inputs - 1 + Dimension;

    /// <inheritdoc />
    public override string Describe() => $"embedding {Count}×{Dimension} (column {IndexColumn})";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        Table = builder.Parameters.Add(name + ".table", Count, Dimension);
        _oneHot = builder.AllocateRows(Count);
        _embedded = builder.AllocateRows(Dimension);
        _output = builder.AllocateRows(OutputWidth);
        _embeddingGradient = builder.AllocateGradientRows(Dimension);
        _inputGradient = builder.AllocateGradientRows(Inputs);
        _indexColumn = builder.AllocateRows(1);
        _hostIndices = new float[builder.MaxRows];
        _hostOneHot = new float[(long)builder.MaxRows * Count];
    }

    /// <inheritdoc />
    protected internal override void Initialise(System.Random random)
    {
        // N(0, 1)-scale entries like PyTorch's nn.Embedding, drawn uniformly with unit variance.
        var host = new float[Table.Length];
        float bound = MathF.Sqrt(3f);
        for (int i = 0; i < host.Length; i++) host[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        _backend.Upload(host, Table.Value);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        var column = pass.Slice(_indexColumn);
        _backend.CopyColumns(x, IndexColumn, column, 0, 1);
        var indices = _hostIndices.AsSpan(pass.Start, pass.Rows);
        _backend.Download(column, indices);
        var oneHot = _hostOneHot.AsSpan(pass.Start * Count, pass.Rows * Count);
        oneHot.Clear();
        for (int r = 0; r < indices.Length; r++)
        {
            float value = indices[r];
            int k = (int)value;
            if (k != value || k < 0 || k >= Count)
                throw new ArgumentException($"{Describe()}: row {pass.Start + r} has index {value}; expected an integer in [0, {Count}).");
            oneHot[r * Count + k] = 1f;
        }
        var o = pass.Slice(_oneHot);
        _backend.Upload(oneHot, o);
        var e = pass.Slice(_embedded);
        _backend.Gemm(o, false, Table.Value, false, e);
        var y = pass.Slice(_output);
        if (IndexColumn > 0) _backend.CopyColumns(x, 0, y, 0, IndexColumn);
        if (IndexColumn < Inputs - 1) _backend.CopyColumns(x, IndexColumn + 1, y, IndexColumn, Inputs - 1 - IndexColumn);
        _backend.CopyColumns(e, 0, y, Inputs - 1, Dimension);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        _backend.CopyColumns(dy, Inputs - 1, pass.Slice(_embeddingGradient), 0, Dimension);
        if (!needInputGradient) return null;
        var dx = pass.Slice(_inputGradient);
        _backend.Fill(dx, 0f); // the index column is not differentiable
        if (IndexColumn > 0) _backend.CopyColumns(dy, 0, dx, 0, IndexColumn);
        if (IndexColumn < Inputs - 1) _backend.CopyColumns(dy, IndexColumn, dx, IndexColumn + 1, Inputs - 1 - IndexColumn);
        return dx;
    }

    /// <inheritdoc />
    protected internal override void AddSquaredNorms(in BatchPass pass, Tensor norms)
        => _backend.LinearPerExampleSquaredNorms(pass.Slice(_oneHot), pass.Slice(_embeddingGradient), pass.GroupSize, false, norms, accumulate: true);

    /// <inheritdoc />
    protected internal override void AccumulateGradients(in BatchPass pass, Tensor? factors)
    {
        var delta = pass.Slice(_embeddingGradient);
        if (factors is not null) _backend.ScaleRows(delta, factors, pass.GroupSize);
        _backend.Gemm(pass.Slice(_oneHot), true, delta, false, Table.ViewOf(pass.RequireGradient()), 1f, 1f);
    }

    /// <inheritdoc />
    protected internal override void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat)
    {
        int g = pass.GroupSize;
        _backend.Gemm(pass.Slice(_oneHot).SliceRows(example * g, g), true, pass.Slice(_embeddingGradient).SliceRows(example * g, g), false, Table.ViewOf(flat));
    }
}
