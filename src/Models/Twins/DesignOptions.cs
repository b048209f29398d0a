using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins;

/// <summary>How categorical covariates are coded and how incomplete rows are treated.</summary>
public sealed class DesignOptions
{
    /// <summary>
    /// Reference (baseline) level per categorical column, e.g. <c>References["ethnicity"] = "White"</c>.
    /// A column not listed here gets the default: the first entry of its category list in
    /// <see cref="Categories"/> when one is declared there, otherwise the most frequent level in the
    /// first table the layout is built from (the local data; ties go to the level that sorts first).
    /// </summary>
    public Dictionary<string, string> References { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Declared (public) category lists per column. They fix the level order and let datasets
    /// that each miss some levels be combined; a level outside a declared list is refused. A
    /// column not listed here takes its levels from the first table the layout is built from,
    /// in ordinal (sorted) order.
    /// </summary>
    public Dictionary<string, IReadOnlyList<string>> Categories { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// When true, rows with a missing value in a column the formula reads are left out (counted
    /// in <see cref="DesignMatrix.DroppedRows"/>); when false (the default) such a row is refused
    /// with an error naming the file, row and column.
    /// </summary>
    public bool DropIncompleteRows { get; init; }

    /// <summary>Copies the public category lists of <paramref name="schema"/> into <see cref="Categories"/> (entries already set win).</summary>
    public DesignOptions WithPublicCategories(TableSchema schema)
    {
        foreach (var c in schema.Columns)
            if (c.PublicCategories is { } cats) Categories.TryAdd(c.Name, cats.Values);
        return this;
    }
}
