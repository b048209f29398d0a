using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tabular.Inference;

/// <summary>A table read without a schema, typed under a schema inferred with DP.</summary>
/// <param name="Table">The typed table (cells that do not fit their column's kind already treated; see <see cref="PrivateSchemaInference"/>).</param>
/// <param name="Schema">The inferred schema; its missing flags are provisional until the encoder decides them with DP.</param>
public sealed record InferredTable(Table Table, TableSchema Schema);

/// <summary>
/// Differentially private schema inference, for fitting without a schema. The header (column
/// names) and a typed file's column types (Parquet integer, floating-point, boolean) are taken as
/// public, like the file format. For each column one ledger stage releases a discrete Gaussian
/// histogram of its cells' shapes (<see cref="CellShape"/>: missing, text, boolean word, whole
/// number, number with d decimals); <see cref="NoisyDecisions"/> turns the noisy counts into the
/// column's kind (integer, continuous, boolean or categorical) and, for continuous columns, its
/// decimals. Nothing else is read: roles come from the header (a column named label, target,
/// class, y or outcome, else the last column when it is categorical or boolean), no column is
/// ignored, and missing flags are left to the encoder's first DP histogram of each column.
/// No column is dropped. Cells that do not fit the decided kind are treated, not refused (a refusal
/// would itself reveal a record): text in a numeric or boolean column is read as missing, and a
/// fraction in an integer column is rounded to the nearest whole number.
/// </summary>
public static class PrivateSchemaInference
{
    private static readonly string[] LabelNames = ["label", "target", "class", "y", "outcome"];

    /// <summary>Infers a schema for <paramref name="untyped"/> with DP and types the table under it.</summary>
    /// <param name="untyped">The private table read without a schema (text columns; typed Parquet columns are read as their values).</param>
    /// <param name="sigma">Noise scale of each column's shape histogram (its share of the budget; see <c>PreprocessingBudget.SplitForInference</c>).</param>
    /// <param name="random">Randomness for the noise.</param>
    /// <param name="ledger">The ledger to spend one stage per column on (each refused before the data is read if over budget).</param>
    /// <exception cref="PrivacyBudgetExceededException">A stage would exceed the budget (it was not run).</exception>
    public static InferredTable Infer(Table untyped, double sigma, IRandomSource random, PrivacyLedger ledger)
    {
        var schemas = new List<ColumnSchema>(untyped.Columns.Count);
        foreach (var column in untyped.Columns)
        {
            var noisy = DpHistogram.ReleaseCounts(ShapeCounts(column), sigma, random, ledger, $"schema of column {column.Name}",
                "histogram of cell shapes (missing, text, boolean word, whole number, decimals) (discrete Gaussian)");
            schemas.Add(Decide(column.Name, noisy, sigma, DeclaredType(column)));
        }
        int label = FindLabel(schemas);
        if (label >= 0) schemas[label] = schemas[label] with { Role = ColumnRole.Label };
        var schema = new TableSchema(schemas);
        var typed = new Table(untyped.Source, untyped.Columns.Select((c, i) => TableCoercion.Coerce(c, schemas[i])).ToArray());
        return new InferredTable(typed, schema);
    }

    /// <summary>
    /// The schema with the missing flags the encoder decided with DP (the encoder's missing slots),
    /// for the model file.
    /// </summary>
    public static TableSchema WithMissingFlags(TableSchema schema, TableEncoder encoder) => schema with
    {
        Columns = schema.Columns.Select(c => encoder.Columns.FirstOrDefault(e => e.Name == c.Name) is { } e
            ? c with { Missing = e.HasMissingSlot } : c).ToArray(),
    };

    /// <summary>The kind a typed column's file type declares (Parquet numbers and booleans), or null for text.</summary>
    private static ColumnKind? DeclaredType(TableColumn column) => column switch
    {
        NumericColumn n => n.Kind,
        CategoricalColumn { Kind: ColumnKind.Boolean } => ColumnKind.Boolean,
        _ => null,
    };

    /// <summary>Exact count of each <see cref="CellShape"/> class in the column (private; only ever released with noise).</summary>
    internal static long[] ShapeCounts(TableColumn column)
    {
        var counts = new long[CellShape.Count];
        switch (column)
        {
            case NumericColumn n:
                foreach (double v in n.Values) counts[CellShape.OfNumber(v)]++;
                break;
            case CategoricalColumn { Kind: ColumnKind.Boolean } b:
                for (int r = 0; r < b.Length; r++) counts[b.IsMissing(r) ? CellShape.Missing : CellShape.BooleanWord]++;
                break;
            case CategoricalColumn t:
                // Each distinct text is classified once; its rows add to that class.
                var shapeOfLevel = t.Levels.Select(l => CellShape.Of(l)).ToArray();
                foreach (int code in t.Codes) counts[code < 0 ? CellShape.Missing : shapeOfLevel[code]]++;
                break;
        }
        return counts;
    }

    /// <summary>
    /// The column's schema from its noisy shape counts (post-processing; see <see cref="NoisyDecisions"/>).
    /// Sums of classes add raw noisy counts (unbiased; clamping each at 0 first would add about 0.4σ
    /// per class) and are compared with thresholds for their noise, σ·√(classes summed).
    /// </summary>
    /// <param name="name">Column name.</param>
    /// <param name="noisy">The released shape counts.</param>
    /// <param name="sigma">Their noise scale.</param>
    /// <param name="typed">
    /// The kind a typed file declares for the column (Parquet integer, floating-point or boolean
    /// types: file metadata, public like the header), or null for text.
    /// </param>
    internal static ColumnSchema Decide(string name, IReadOnlyList<long> noisy, double sigma, ColumnKind? typed = null)
    {
        var fractionClasses = Enumerable.Range(1, CellShape.MaxDecimals + 1).Select(CellShape.Decimal).ToArray();
        long wholes = noisy[CellShape.Whole], words = noisy[CellShape.BooleanWord], text = noisy[CellShape.Text];
        long fractions = fractionClasses.Sum(c => noisy[c]);
        long numbers = wholes + fractions;
        double present = Math.Max(0, numbers + text + words);
        // No noise allowance here: when noise swamps the counts, "few" fails and the column stays categorical.
        bool Few(long count) => count <= NoisyDecisions.TextInNumbers * present;

        // Missing: true until the encoder's histogram decides (EncoderFitOptions.DecideMissingFlags).
        bool numeric = typed == ColumnKind.Integer || typed == ColumnKind.Continuous
            || (typed is null && NoisyDecisions.Seen(numbers, sigma * Math.Sqrt(1 + fractionClasses.Length)) && Few(text + words));
        if (numeric)
        {
            if (typed == ColumnKind.Integer) return new ColumnSchema(name, ColumnKind.Integer, Missing: true);
            bool continuous = NoisyDecisions.Seen(fractions, sigma * Math.Sqrt(fractionClasses.Length))
                && fractions > NoisyDecisions.FractionsInWholes * numbers;
            // A floating-point file type is continuous unless whole numbers are clearly seen (rounding would lose decimals).
            if (typed == ColumnKind.Continuous) continuous |= !NoisyDecisions.Seen(wholes, sigma);
            if (!continuous) return new ColumnSchema(name, ColumnKind.Integer, Missing: true);
            var byDecimals = new long[CellShape.MaxDecimals + 2];
            for (int d = 1; d < byDecimals.Length; d++) byDecimals[d] = noisy[CellShape.Decimal(d)];
            // byDecimals[0] stays 0: the column is continuous, its decimals are those of its fractional numbers.
            return new ColumnSchema(name, ColumnKind.Continuous, Missing: true, Precision: NoisyDecisions.Precision(byDecimals, sigma));
        }
        // Booleans: boolean words, with at most a few other texts or fractions (whole numbers may be 1/0).
        if (typed == ColumnKind.Boolean || (NoisyDecisions.Seen(words, sigma) && Few(text + fractions) && wholes <= words))
            return new ColumnSchema(name, ColumnKind.Boolean, Missing: true);
        return new ColumnSchema(name, ColumnKind.Categorical, Missing: true);
    }

    /// <summary>The label: a column with a conventional target name, else the last column when it is categorical or boolean.</summary>
    private static int FindLabel(List<ColumnSchema> columns)
    {
        for (int i = 0; i < columns.Count; i++)
            if (LabelNames.Contains(columns[i].Name.ToLowerInvariant())) return i;
        int last = columns.Count - 1;
        return last > 0 && columns[last].Kind is ColumnKind.Boolean or ColumnKind.Categorical ? last : -1;
    }
}
