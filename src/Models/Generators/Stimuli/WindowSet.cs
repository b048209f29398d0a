namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Fixed-length windows of physiological signals as one row each: <see cref="Width"/> sample points
/// (channel-major: all of channel 0, then channel 1, …), a binary label and a subject index.
/// </summary>
public sealed class WindowSet
{
    /// <summary>Wraps row-major <paramref name="values"/> (not copied).</summary>
    /// <param name="values">Rows × width sample values.</param>
    /// <param name="width">Sample points per window (all channels).</param>
    /// <param name="labels">Per row 0 or 1.</param>
    /// <param name="subjects">Per row the subject index in [0, <paramref name="subjectCount"/>).</param>
    /// <param name="subjectCount">Number of subjects S.</param>
    /// <param name="columnNames">Names of the sample columns (width of them).</param>
    public WindowSet(float[] values, int width, int[] labels, int[] subjects, int subjectCount, IReadOnlyList<string> columnNames)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "A window needs at least one sample point.");
        if (values.Length != (long)labels.Length * width || subjects.Length != labels.Length)
            throw new ArgumentException($"Windows: {values.Length} values, {labels.Length} labels and {subjects.Length} subjects do not describe rows of {width} points.");
        if (columnNames.Count != width) throw new ArgumentException($"Windows: {columnNames.Count} column names for {width} sample points.");
        Values = values;
        Width = width;
        Labels = labels;
        Subjects = subjects;
        SubjectCount = subjectCount;
        ColumnNames = columnNames;
    }

    /// <summary>Row-major sample values.</summary>
    public float[] Values { get; }

    /// <summary>Sample points per window.</summary>
    public int Width { get; }

    /// <summary>Per row 0 or 1.</summary>
    public int[] Labels { get; }

    /// <summary>Per row the subject index.</summary>
    public int[] Subjects { get; }

    /// <summary>Number of subjects S.</summary>
    public int SubjectCount { get; }

    /// <summary>Names of the sample columns.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of windows.</summary>
    public int Count => Labels.Length;

    /// <summary>Row <paramref name="i"/>'s sample values.</summary>
    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Width, Width);

    /// <summary>The windows at <paramref name="rows"/>, in that order.</summary>
    public WindowSet Select(IReadOnlyList<int> rows)
    {
        var values = new float[rows.Count * Width];
        var labels = new int[rows.Count];
        var subjects = new int[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            Row(rows[k]).CopyTo(values.AsSpan(k * Width, Width));
            labels[k] = Labels[rows[k]];
            subjects[k] = Subjects[rows[k]];
        }
        return new WindowSet(values, Width, labels, subjects, SubjectCount, ColumnNames);
    }

    /// <summary>
    /// The windows of <paramref name="subjects"/> only (in row order), their subject indices renumbered
    /// to positions in that list: a data holder's own subjects out of a larger population.
    /// </summary>
    public WindowSet OfSubjects(IReadOnlyList<int> subjects)
    {
        var position = new int[SubjectCount];
        Array.Fill(position, -1);
        for (int k = 0; k < subjects.Count; k++)
        {
            if (subjects[k] < 0 || subjects[k] >= SubjectCount || position[subjects[k]] >= 0)
                throw new ArgumentException($"subject {subjects[k]} is not one of {SubjectCount} subjects or is listed twice");
            position[subjects[k]] = k;
        }
        var rows = Enumerable.Range(0, Count).Where(i => position[Subjects[i]] >= 0).ToArray();
        var selected = Select(rows);
        var renumbered = selected.Subjects.Select(s => position[s]).ToArray();
        return new WindowSet(selected.Values, Width, selected.Labels, renumbered, subjects.Count, ColumnNames);
    }

    /// <summary>
    /// Splits the windows into a training and a test part: within each subject a seeded shuffle puts
    /// <paramref name="testShare"/> of its windows in the test part, so every subject is in both
    /// (re-identification is then a closed-set problem).
    /// </summary>
    public (WindowSet Train, WindowSet Test) Split(double testShare, ulong seed)
    {
        if (!(testShare > 0 && testShare < 1)) throw new ArgumentOutOfRangeException(nameof(testShare), testShare, "in (0, 1)");
        var random = new Models.Simulation.SimulationRandom(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, Count).GroupBy(i => Subjects[i]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            for (int i = rows.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }
            int testRows = (int)Math.Round(rows.Length * testShare);
            test.AddRange(rows.Take(testRows));
            train.AddRange(rows.Skip(testRows));
        }
        train.Sort();
        test.Sort();
        return (Select(train), Select(test));
    }
}
