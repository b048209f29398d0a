using System.Text.Json.Serialization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Turns one table column into a fixed block of floats in each encoded row and back. Immutable
/// once fitted; its parameters are written into the model file as JSON.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(NumericEncoder), "numeric")]
[JsonDerivedType(typeof(OneHotEncoder), "oneHot")]
[JsonDerivedType(typeof(BinnedNumericEncoder), "binned")]
public abstract class ColumnEncoder
{
    /// <summary>Creates an encoder for the column <paramref name="name"/>.</summary>
    protected ColumnEncoder(string name, ColumnKind kind, ColumnRole role)
    {
        Name = name;
        Kind = kind;
        Role = role;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Column kind.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Feature or label.</summary>
    public ColumnRole Role { get; }

    /// <summary>
    /// Where the encoder's parameters came from: which were declared public and which were
    /// estimated with DP (naming the ledger stage). Written into the model file.
    /// </summary>
    public string? Provenance { get; init; }

    /// <summary>Whether the encoded block has a slot for missing values.</summary>
    internal abstract bool HasMissingSlot { get; }

    /// <summary>Number of floats this column takes in an encoded row.</summary>
    [JsonIgnore]
    public abstract int Width { get; }

    /// <summary>
    /// The (start, length) blocks, relative to this column's first float, over which a generator
    /// should take a softmax and cross-entropy: one-hot categories and missing-value indicators.
    /// </summary>
    public abstract IEnumerable<(int Start, int Length)> SoftmaxSpans();

    /// <summary>Writes this column's block of every row of <paramref name="destination"/> (rows × rowWidth, row-major).</summary>
    internal abstract void Encode(TableColumn column, string source, Span<float> destination, int rowWidth, int offset);

    /// <summary>Reads this column's block of every row back into a column.</summary>
    internal abstract TableColumn Decode(ReadOnlySpan<float> data, int rows, int rowWidth, int offset, DecodeOptions options);

    /// <summary>Throws <see cref="FormatException"/> when loaded parameters are inconsistent.</summary>
    internal abstract void Validate();

    /// <summary>Index of the chosen entry of a softmax block: its argmax, or a draw from its softmax.</summary>
    internal static int Choose(ReadOnlySpan<float> block, DecodeOptions options)
    {
        int best = 0;
        for (int i = 1; i < block.Length; i++) if (block[i] > block[best]) best = i;
        if (options.Categories == CategoryDecoding.Argmax) return best;
        var random = options.Random ?? throw new ArgumentException("Sampling categories needs DecodeOptions.Random (a seeded generator).");
        // Softmax of logits, shifted by the maximum so that exp cannot overflow; or the values as weights.
        Span<double> weights = block.Length <= 256 ? stackalloc double[block.Length] : new double[block.Length];
        double total = 0;
        for (int i = 0; i < block.Length; i++)
        {
            weights[i] = options.InputsAreLogits ? Math.Exp(block[i] - block[best]) : Math.Max(0, block[i]);
            total += weights[i];
        }
        if (!(total > 0)) return best;
        double target = random.NextDouble() * total;
        for (int i = 0; i < block.Length; i++)
        {
            target -= weights[i];
            if (target < 0) return i;
        }
        return best;
    }
}

/// <summary>How a softmax block becomes a category.</summary>
public enum CategoryDecoding
{
    /// <summary>The most likely category.</summary>
    Argmax,
    /// <summary>A draw from the softmax of the block (needs <see cref="DecodeOptions.Random"/>).</summary>
    Sample,
}

/// <summary>How encoded rows are decoded.</summary>
public sealed record DecodeOptions
{
    /// <summary>Argmax (default) or sampling for categories and missing indicators.</summary>
    public CategoryDecoding Categories { get; init; } = CategoryDecoding.Argmax;

    /// <summary>Seeded generator for <see cref="CategoryDecoding.Sample"/>.</summary>
    public Random? Random { get; init; }

    /// <summary>Whether softmax blocks hold logits (default) or already probabilities/weights.</summary>
    public bool InputsAreLogits { get; init; } = true;

    /// <summary>
    /// Uniforms in [0, 1) that place each decoded value of a binned numeric column inside its bin:
    /// row r of binned column c (counted in encoded-row order) reads [r · <see cref="TableEncoder.BinnedColumnCount"/> + c].
    /// Null decodes every bin to its middle.
    /// </summary>
    public float[]? BinPositions { get; init; }

    /// <summary>Which binned column is being decoded (set by <see cref="TableEncoder"/>).</summary>
    internal int BinnedColumn { get; init; }

    /// <summary>Binned columns per row of <see cref="BinPositions"/> (set by <see cref="TableEncoder"/>).</summary>
    internal int BinnedStride { get; init; }
}
