namespace DpSynth.Models.Tabular;

/// <summary>A table held in memory as typed columns of equal length.</summary>
public sealed class Table
{
    private readonly TableColumn[] _columns;
    private readonly Dictionary<string, int> _byName;

    /// <summary>Creates a table; all columns must have the same length and distinct names.</summary>
    /// <param name="source">Where the table came from (a file name), used in error messages.</param>
    /// <param name="columns">The columns.</param>
    public Table(string source, IReadOnlyList<TableColumn> columns)
    {
        Source = source;
        _columns = columns.ToArray();
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        for (int i = 0; i < _columns.Length; i++)
        {
            if (_columns[i].Length != RowCount)
                throw new ArgumentException($"Column {_columns[i].Name} has {_columns[i].Length} rows, column {_columns[0].Name} has {RowCount}.");
            if (!_byName.TryAdd(_columns[i].Name, i))
                throw new ArgumentException($"Column name {_columns[i].Name} occurs twice.");
        }
    }

    /// <summary>Where the table came from (a file name), used in error messages.</summary>
    public string Source { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<TableColumn> Columns => _columns;

    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public TableColumn? Find(string name) => _byName.TryGetValue(name, out int i) ? _columns[i] : null;
}
