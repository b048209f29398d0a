namespace DpSynth.Models.Tabular;

/// <summary>How table files are read.</summary>
public sealed record TableReadOptions
{
    /// <summary>The markers used when neither the options nor the schema name any: NA and ?. An empty cell is always missing.</summary>
    public static readonly IReadOnlyList<string> DefaultMissingMarkers = ["NA", "?"];

    /// <summary>Field separator for CSV; ',' by default (a .tsv file uses tab).</summary>
    public char? Separator { get; init; }

    /// <summary>Cell texts that mean "missing", besides the empty cell; null to take them from the schema or the defaults.</summary>
    public IReadOnlyList<string>? MissingMarkers { get; init; }

    /// <summary>
    /// Whether spaces around unquoted CSV fields are dropped (default true): many exports, the
    /// original UCI Adult among them, write ", " between fields. Quoted fields are kept as is.
    /// </summary>
    public bool TrimUnquotedFields { get; init; } = true;

    /// <summary>The markers in force, always including the empty cell: no column can hold an empty category or number.</summary>
    internal IReadOnlyList<string> ResolveMissingMarkers(TableSchema? schema) =>
        ["", .. MissingMarkers ?? schema?.MissingMarkers ?? DefaultMissingMarkers];
}
