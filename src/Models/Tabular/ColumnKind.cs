namespace DpSynth.Models.Tabular;

/// <summary>What a column holds, which decides how it is read, encoded and decoded.</summary>
public enum ColumnKind
{
    /// <summary>Real numbers.</summary>
    Continuous,
    /// <summary>Whole numbers; decoded values are rounded, never truncated.</summary>
    Integer,
    /// <summary>Unordered labels.</summary>
    Categorical,
    /// <summary>Labels with a meaningful order (the order of the category list).</summary>
    Ordinal,
    /// <summary>true/false; read from true/false, yes/no, t/f, y/n or 1/0 and written as true/false.</summary>
    Boolean,
}

/// <summary>What a column is for in the synthetic twin.</summary>
public enum ColumnRole
{
    /// <summary>An ordinary attribute, modelled and synthesised.</summary>
    Feature,
    /// <summary>The prediction target of downstream tasks; modelled and synthesised like a feature.</summary>
    Label,
    /// <summary>Read for validation only (identifiers, free text); never encoded or released.</summary>
    Ignore,
}

/// <summary>Helpers on <see cref="ColumnKind"/>.</summary>
public static class ColumnKinds
{
    /// <summary>Whether values of this kind are numbers (stored in a <see cref="NumericColumn"/>).</summary>
    public static bool IsNumeric(this ColumnKind kind) => kind is ColumnKind.Continuous or ColumnKind.Integer;
}
