using System.CommandLine;
using System.Globalization;
using DpSynth.Models.Evaluation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth evaluate`: fidelity, utility and distance-to-closest-record of a synthetic table
/// against the real training table and a real holdout. All three are read under one schema.
/// </summary>
internal static class EvaluateCommand
{
    private const string Description = """
        Evaluate a synthetic table against the real table it imitates and a real holdout: 1-way and
        2-way marginal total-variation distance, the share of each numeric column's synthetic values
        outside the real column's range, correlation difference, train-on-synthetic /
        test-on-real logistic regression (accuracy and ROC AUC beside train-on-real) and distance
        to closest record. The output reads the real data freely: it is for the data custodian,
        not for release. All three tables are read under --schema, or under the kinds inferred
        from the real table.

        Examples:
          dpsynth evaluate --real adult_train.csv --synthetic synth.csv --test adult_test.csv --label income
          dpsynth evaluate --real r.csv --synthetic s.csv --test t.csv --label event --json
        """;

    public static Command Create()
    {
        var real = new Option<string>("--real") { Description = "The real training table.", Required = true };
        var synthetic = new Option<string>("--synthetic") { Description = "The synthetic table.", Required = true };
        var test = new Option<string>("--test") { Description = "A real holdout table (not used for fitting).", Required = true };
        var label = new Option<string>("--label") { Description = "Label column of the utility task.", Required = true };
        var schemaPath = new Option<string?>("--schema", "-s") { Description = "Schema file to read all three tables under." };
        var json = new Option<bool>("--json") { Description = "Print the full report as JSON." };

        var command = new Command("evaluate", Description) { real, synthetic, test, label, schemaPath, json };
        command.SetAction(parse =>
        {
            var (r, s, t) = Read(parse.GetValue(real)!, parse.GetValue(synthetic)!, parse.GetValue(test)!, parse.GetValue(schemaPath));
            string labelName = parse.GetValue(label)!;
            if (r.Find(labelName) is null) throw new CliInputException($"{r.Source}: no label column \"{labelName}\"");
            var report = SyntheticDataEvaluator.Evaluate(r, s, t, labelName);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(report.ToJson());
            else WriteSummary(output, report);
            return 0;
        });
        return command;
    }

    private static (Table Real, Table Synthetic, Table Test) Read(string real, string synthetic, string test, string? schemaPath)
    {
        try
        {
            foreach (var p in new[] { real, synthetic, test })
                if (!File.Exists(p)) throw new CliInputException($"{p}: file not found");
            var schema = schemaPath is not null ? TableSchemaJson.Load(schemaPath) : SchemaInference.Infer(TableReader.Read(real, null));
            return (TableReader.Read(real, schema), TableReader.Read(synthetic, Lenient(schema)), TableReader.Read(test, schema));
        }
        catch (TableFormatException e) { throw new CliInputException(e.Message); }
        catch (IOException e) { throw new CliInputException(e.Message); }
    }

    /// <summary>
    /// The schema a synthetic table is read under: a generator whose schema was decided with DP may
    /// emit missing values, or fractions, where the real table has none — that is for the metrics
    /// to measure, not a reason to refuse the file.
    /// </summary>
    private static TableSchema Lenient(TableSchema schema) => schema with
    {
        Columns = schema.Columns.Select(c => c with { Missing = true, Kind = c.Kind == ColumnKind.Integer ? ColumnKind.Continuous : c.Kind }).ToArray(),
    };

    internal static void WriteSummary(TextWriter o, EvaluationReport report)
    {
        var f = report.Fidelity;
        var u = report.Utility;
        var p = report.Privacy;
        string line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        o.WriteLine(line($"rows: real {report.Rows.Real}, synthetic {report.Rows.Synthetic}, test {report.Rows.Test}"));
        o.WriteLine(line($"1-way TVD: mean {f.OneWayTvdMean:0.0000}, max {f.OneWayTvdMax:0.0000} ({f.OneWayBins} bins)"));
        o.WriteLine(line($"2-way TVD: mean {f.TwoWayTvdMean:0.0000}, max {f.TwoWayTvdMax:0.0000} ({f.TwoWayBins} bins)"));
        if (f.OutOfRange is [var worst, ..])
            o.WriteLine(line($"numeric values outside the real range: worst {worst.Column} {worst.Value:P2}; {string.Join(", ", f.OutOfRange.Skip(1).Select(s => line($"{s.Column} {s.Value:P2}")))}").TrimEnd(' ', ';'));
        o.WriteLine(line($"association difference: {f.CorrelationDifference:0.0000} (mean |real − synthetic| over column pairs; --json describes the measures)"));
        o.WriteLine(line($"utility (logistic regression, label {report.Label} = {u.PositiveClass}): train-on-real AUC {u.TrainOnReal.RocAuc:0.0000} accuracy {u.TrainOnReal.Accuracy:0.0000}; train-on-synthetic AUC {u.TrainOnSynthetic.RocAuc:0.0000} accuracy {u.TrainOnSynthetic.Accuracy:0.0000}"));
        o.WriteLine(line($"distance to closest record (median): synthetic→train {p.SyntheticToTrainMedian:0.0000}, holdout→train {p.HoldoutToTrainMedian:0.0000}; exact copies: synthetic {p.ExactCopyShareSynthetic:P2}, holdout {p.ExactCopyShareHoldout:P2}"));
    }
}
