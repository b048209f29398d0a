using System.Text.Json.Serialization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Encodes a categorical, ordinal or boolean column as one softmax block: one slot per known
/// category, then an "other" slot (values merged because they are rare, undiscovered or outside an
/// open public list), then a "missing" slot. Decoding takes the argmax or samples the softmax.
/// </summary>
public sealed class OneHotEncoder : ColumnEncoder
{
    private readonly Dictionary<string, int> _slots;

    /// <summary>Creates the encoder.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="kind">Categorical, ordinal or boolean.</param>
    /// <param name="role">Feature or label.</param>
    /// <param name="categories">The named slots, in order (for ordinal columns, the order of the categories).</param>
    /// <param name="otherLabel">The value written for the "other" slot, or null when there is none.</param>
    /// <param name="hasMissing">Whether the last slot stands for a missing value.</param>
    [JsonConstructor]
    public OneHotEncoder(string name, ColumnKind kind, ColumnRole role, string[] categories, string? otherLabel = null, bool hasMissing = false)
        : base(name, kind, role)
    {
        Categories = categories;
        OtherLabel = otherLabel;
        HasMissing = hasMissing;
        _slots = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < categories.Length; i++) _slots.TryAdd(categories[i], i);
    }

    /// <summary>The named slots, in order.</summary>
    public string[] Categories { get; }

    /// <summary>The value written for the "other" slot, or null when there is none.</summary>
    public string? OtherLabel { get; }

    /// <summary>Whether the last slot stands for a missing value.</summary>
    public bool HasMissing { get; }

    /// <summary>
    /// What is written for each named slot when it differs from the category: a boolean's
    /// spellings (e.g. ["no", "yes"] for the slots false, true), declared or discovered with DP. Null writes the categories.
    /// </summary>
    public string[]? Labels { get; init; }

    /// <summary>
    /// The category (or the "other" label) a missing cell is encoded as when the column has no
    /// missing slot because a DP count found too few missing cells to model (schema inferred with DP);
    /// null refuses missing cells.
    /// </summary>
    public string? ImputedCategory { get; init; }

    internal override bool HasMissingSlot => HasMissing;

    /// <inheritdoc />
    public override int Width => Categories.Length + (OtherLabel is null ? 0 : 1) + (HasMissing ? 1 : 0);

    /// <inheritdoc />
    public override IEnumerable<(int Start, int Length)> SoftmaxSpans() => [(0, Width)];

    private int OtherSlot => OtherLabel is null ? -1 : Categories.Length;
    private int MissingSlot => HasMissing ? Width - 1 : -1;

    internal override void Encode(TableColumn column, string source, Span<float> destination, int rowWidth, int offset)
    {
        if (column is not CategoricalColumn categorical)
            throw new TableFormatException(source, 0, Name, $"a categorical column, got a {TableSchemaJson.Name(column.Kind)} column");
        // Map the column's own dictionary to slots once, so that each row costs one array lookup.
        var levelSlot = new int[categorical.Levels.Count];
        for (int l = 0; l < levelSlot.Length; l++)
            levelSlot[l] = _slots.TryGetValue(categorical.Levels[l], out int s) ? s : OtherSlot;
        var codes = categorical.Codes;
        int missingSlot = MissingSlot >= 0 || ImputedCategory is null ? MissingSlot
            : ImputedCategory == OtherLabel ? OtherSlot : _slots[ImputedCategory];
        for (int r = 0; r < codes.Length; r++)
        {
            int code = codes[r];
            int slot = code < 0 ? missingSlot : levelSlot[code];
            // Row r of the table is line r + 2 of its file (the header is line 1).
            if (slot < 0)
                throw code < 0
                    ? new TableFormatException(source, r + 2, Name, "no missing values (the encoder was fitted for a column without them)")
                    : new TableFormatException(source, r + 2, Name, $"one of the {Categories.Length} categories the encoder knows", PrivateValues.Quote(categorical.Levels[code]));
            destination[r * rowWidth + offset + slot] = 1;
        }
    }

    internal override TableColumn Decode(ReadOnlySpan<float> data, int rows, int rowWidth, int offset, DecodeOptions options)
    {
        var codes = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int slot = Choose(data.Slice(r * rowWidth + offset, Width), options);
            codes[r] = slot == MissingSlot ? -1 : slot;
        }
        var named = Labels ?? Categories;
        var levels = OtherLabel is null ? named : [.. named, OtherLabel];
        return new CategoricalColumn(Name, Kind, codes, rows, levels);
    }

    internal override void Validate()
    {
        if (Kind.IsNumeric()) throw new FormatException($"one-hot encoder for column {Name} has kind {Kind}");
        if (Categories is null || Width == 0) throw new FormatException($"one-hot encoder for column {Name} has no slots");
        if (_slots.Count != Categories.Length || (OtherLabel is not null && _slots.ContainsKey(OtherLabel)))
            throw new FormatException($"one-hot encoder for column {Name} has repeated categories");
        if (Labels is not null && (Labels.Length != Categories.Length || Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Length
            || Labels.Any(string.IsNullOrEmpty) || (OtherLabel is not null && Labels.Contains(OtherLabel))))
            throw new FormatException($"one-hot encoder for column {Name} needs one distinct label per category");
        if (ImputedCategory is not null && (HasMissing || (ImputedCategory != OtherLabel && !_slots.ContainsKey(ImputedCategory))))
            throw new FormatException($"one-hot encoder for column {Name} imputes missing cells as a category it does not have");
    }
}
