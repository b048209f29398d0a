using System.Text.Json;
using System.Text.Json.Serialization;
using DpSynth.Kernels;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Turns tables into float matrices for the generators and generated matrices back into tables.
/// Fitted once from a schema, the data and a privacy ledger (<see cref="Fit"/>); afterwards it
/// holds only public or DP-released parameters, which <see cref="ToJson"/> writes into the model file.
/// </summary>
public sealed class TableEncoder
{
    /// <summary>Format version of <see cref="ToJson"/>.</summary>
    public const int FormatVersion = 1;

    private readonly ColumnEncoder[] _columns;
    private readonly int[] _offsets;

    /// <summary>Creates an encoder from fitted column encoders, in encoded-row order.</summary>
    public TableEncoder(IReadOnlyList<ColumnEncoder> columns)
    {
        _columns = columns.ToArray();
        _offsets = new int[_columns.Length];
        var spans = new List<(int, int)>();
        var layout = new List<EncodedColumnLayout>();
        int width = 0;
        for (int i = 0; i < _columns.Length; i++)
        {
            var c = _columns[i];
            c.Validate();
            _offsets[i] = width;
            foreach (var (start, length) in c.SoftmaxSpans()) spans.Add((width + start, length));
            layout.Add(new EncodedColumnLayout(c.Name, c.Kind, c.Role, width, c.Width));
            width += c.Width;
        }
        Width = width;
        BinnedColumnCount = _columns.Count(c => c is BinnedNumericEncoder);
        SoftmaxSpans = new ColumnSpans(spans);
        Layout = layout;
    }

    /// <summary>The column encoders, in encoded-row order.</summary>
    public IReadOnlyList<ColumnEncoder> Columns => _columns;

    /// <summary>Floats per encoded row.</summary>
    public int Width { get; }

    /// <summary>Numeric columns encoded as bins; each decoded row reads this many <see cref="DecodeOptions.BinPositions"/>.</summary>
    public int BinnedColumnCount { get; }

    /// <summary>One-hot and missing-indicator blocks, for softmax and cross-entropy heads.</summary>
    public ColumnSpans SoftmaxSpans { get; }

    /// <summary>Where each column sits in an encoded row.</summary>
    public IReadOnlyList<EncodedColumnLayout> Layout { get; }

    /// <summary>
    /// Fits an encoder for the schema's feature and label columns. Statistics the schema does not
    /// declare public are estimated with DP from <see cref="EncoderFitOptions.Epsilon"/>, each as a
    /// stage spent on <paramref name="ledger"/> before the data is read; without a budget they are refused.
    /// </summary>
    /// <param name="table">The private table, read under <paramref name="schema"/>.</param>
    /// <param name="schema">The declared schema.</param>
    /// <param name="options">Transforms and the preprocessing budget.</param>
    /// <param name="ledger">The ledger to spend on; may be null when everything needed is public.</param>
    /// <exception cref="TableFormatException">A column is absent, or needs a statistic that is neither public nor paid for.</exception>
    /// <exception cref="PrivacyBudgetExceededException">A stage would exceed the ledger's budget (it was not run).</exception>
    public static TableEncoder Fit(Table table, TableSchema schema, EncoderFitOptions? options = null, PrivacyLedger? ledger = null) =>
        new(EncoderFitter.Fit(table, schema, options ?? new EncoderFitOptions(), ledger));

    /// <summary>Encodes every row of <paramref name="table"/>.</summary>
    /// <exception cref="TableFormatException">A column is absent or holds values the encoder cannot represent.</exception>
    public EncodedTable Encode(Table table)
    {
        var columns = new TableColumn[_columns.Length];
        for (int i = 0; i < _columns.Length; i++) columns[i] = SourceColumn(i, table);
        var data = new float[checked(table.RowCount * Width)];
        for (int i = 0; i < _columns.Length; i++)
            _columns[i].Encode(columns[i], table.Source, data, Width, _offsets[i]);
        return new EncodedTable(data, table.RowCount, Width, SoftmaxSpans, Layout);
    }

    /// <summary>Encodes column <paramref name="index"/> of every row into rows × its width floats (zeroed by the caller).</summary>
    /// <exception cref="TableFormatException">The column is absent or holds values the encoder cannot represent.</exception>
    internal void EncodeColumn(int index, Table table, Span<float> destination) =>
        _columns[index].Encode(SourceColumn(index, table), table.Source, destination, _columns[index].Width, 0);

    private TableColumn SourceColumn(int index, Table table) =>
        table.Find(_columns[index].Name) ?? throw new TableFormatException(table.Source, 1, _columns[index].Name, $"a column \"{_columns[index].Name}\" (the encoder was fitted with it), but the data has none");

    /// <summary>Decodes <paramref name="rows"/> rows of encoded (e.g. generated) data into a table.</summary>
    /// <param name="data">rows × <see cref="Width"/> floats, row-major.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="options">Argmax or sampling for categories; sampling needs a seeded generator.</param>
    public Table Decode(ReadOnlySpan<float> data, int rows, DecodeOptions? options = null)
    {
        if (data.Length != (long)rows * Width)
            throw new ArgumentException($"Encoded data has {data.Length} floats, expected {rows} rows × {Width}.", nameof(data));
        options ??= new DecodeOptions();
        if (options.BinPositions is { } positions && positions.Length < (long)rows * BinnedColumnCount)
            throw new ArgumentException($"Bin positions hold {positions.Length} values, expected {rows} rows × {BinnedColumnCount} binned columns.", nameof(options));
        var columns = new TableColumn[_columns.Length];
        for (int i = 0, binned = 0; i < _columns.Length; i++)
        {
            var columnOptions = _columns[i] is BinnedNumericEncoder ? options with { BinnedColumn = binned++, BinnedStride = BinnedColumnCount } : options;
            columns[i] = _columns[i].Decode(data, rows, Width, _offsets[i], columnOptions);
        }
        return new Table("synthetic", columns);
    }

    /// <summary>Decodes an encoded table.</summary>
    public Table Decode(EncodedTable encoded, DecodeOptions? options = null) => Decode(encoded.Data, encoded.Rows, options);

    /// <summary>The encoder's parameters as JSON, for the model file.</summary>
    public string ToJson() => JsonSerializer.Serialize(new EncoderDocument(FormatVersion, _columns), JsonOptions.TypeInfo<EncoderDocument>());

    /// <summary>Reads an encoder written by <see cref="ToJson"/>, validating every parameter.</summary>
    /// <exception cref="FormatException">The JSON is not a valid encoder.</exception>
    public static TableEncoder FromJson(string json)
    {
        EncoderDocument? doc;
        try { doc = JsonSerializer.Deserialize(json, JsonOptions.TypeInfo<EncoderDocument>()); }
        catch (JsonException e) { throw new FormatException("encoder JSON is malformed: " + e.Message, e); }
        if (doc is null || doc.Columns is null) throw new FormatException("encoder JSON is empty");
        if (doc.FormatVersion != FormatVersion) throw new FormatException($"encoder format {doc.FormatVersion} is not supported (expected {FormatVersion})");
        return new TableEncoder(doc.Columns);
    }

    /// <summary>How the encoder is written and read; metadata from the source-generated <see cref="ModelsJsonContext"/>, not reflection.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { TabularJsonEnums.Kind, TabularJsonEnums.Role, TabularJsonEnums.Transform },
        RespectRequiredConstructorParameters = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Quantile knots survive the trip bit for bit: doubles are written in shortest round-trip form.
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ModelsJsonContext.Default,
    };
}

/// <summary>The JSON form of a <see cref="TableEncoder"/> (format <see cref="TableEncoder.FormatVersion"/>).</summary>
/// <remarks>Internal, not private: the JSON source generator reads only members it can reach from <see cref="ModelsJsonContext"/>.</remarks>
internal sealed record EncoderDocument(int FormatVersion, ColumnEncoder[] Columns);
