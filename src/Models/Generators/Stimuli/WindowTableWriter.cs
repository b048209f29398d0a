using DpSynth.Models.Generators.Stimuli.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>Builds tables of windows and stimuli for writing, and the schema of the simulator's windows.</summary>
public static class WindowTableWriter
{
    /// <summary>Windows as a table: the sample columns, then <c>label</c> (0/1) and <c>subject</c> (s01, s02, …).</summary>
    public static Table Windows(WindowSet windows, string source)
    {
        var columns = SampleColumns(windows.ColumnNames, windows.Values, windows.Count);
        columns.Add(new CategoricalColumn("label", ColumnKind.Categorical, windows.Labels.ToArray(), windows.Count, ["0", "1"]));
        columns.Add(new CategoricalColumn("subject", ColumnKind.Categorical, windows.Subjects.ToArray(), windows.Count, SubjectNames(windows.SubjectCount)));
        return new Table(source, columns);
    }

    /// <summary>
    /// Stimuli as a table in recorded units: the sample columns, one <c>soft_&lt;level&gt;</c> column per
    /// class holding the teacher's probability, and <c>target</c>, the class the stimulus was searched for.
    /// </summary>
    public static Table Stimuli(StimulusSet stimuli, StimuliTeacher teacher, string source)
    {
        var values = teacher.Scaling.Invert(stimuli.Values);
        var columns = SampleColumns(teacher.ColumnNames, values, stimuli.Count);
        for (int k = 0; k < stimuli.Classes; k++)
        {
            var p = new double[stimuli.Count];
            for (int i = 0; i < p.Length; i++) p[i] = stimuli.SoftLabels[i * stimuli.Classes + k];
            columns.Add(new NumericColumn(SoftColumn(teacher.LabelLevels[k]), ColumnKind.Continuous, p, p.Length));
        }
        columns.Add(new CategoricalColumn("target", ColumnKind.Categorical, stimuli.TargetClasses.ToArray(), stimuli.Count, teacher.LabelLevels));
        return new Table(source, columns);
    }

    /// <summary>The name of a soft-label column.</summary>
    public static string SoftColumn(string level) => "soft_" + level;

    /// <summary>The schema of <see cref="Windows"/> for the simulator: public channel bounds, label and subject lists.</summary>
    public static TableSchema SimulatorSchema(int subjects)
    {
        var bounds = ApneaSimulator.ColumnBounds();
        var columns = ApneaSimulator.ColumnNames.Select((name, j) =>
            new ColumnSchema(name, ColumnKind.Continuous, Bounds: new DeclaredBounds(bounds[j].Min, bounds[j].Max, Public: true))).ToList();
        columns.Add(new ColumnSchema("label", ColumnKind.Categorical, ColumnRole.Label, Categories: new DeclaredCategories(["0", "1"], Public: true)));
        columns.Add(new ColumnSchema("subject", ColumnKind.Categorical, Categories: new DeclaredCategories(SubjectNames(subjects), Public: true)));
        return new TableSchema(columns);
    }

    private static string[] SubjectNames(int count) => Enumerable.Range(1, count).Select(s => $"s{s:00}").ToArray();

    private static List<TableColumn> SampleColumns(IReadOnlyList<string> names, float[] values, int rows)
    {
        int width = names.Count;
        var columns = new List<TableColumn>(width + 4);
        for (int j = 0; j < width; j++)
        {
            var v = new double[rows];
            for (int i = 0; i < rows; i++) v[i] = values[(long)i * width + j];
            columns.Add(new NumericColumn(names[j], ColumnKind.Continuous, v, rows));
        }
        return columns;
    }
}
