using System.CommandLine;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth schema infer` proposes a schema (kinds and roles) for a CSV or Parquet table;
/// `dpsynth schema check` reads a table under a schema and reports the first mismatch.
/// </summary>
internal static class SchemaCommand
{
    private const string InferHelp = """
        Propose a schema for a CSV or Parquet table: each column's kind (continuous, integer,
        categorical, ordinal, boolean), role (feature, label, ignore) and whether values are missing.

        This reads the data WITHOUT differential privacy: the proposal is exact (one row with 37.5
        makes a column continuous, one "?" makes it missing, a column of distinct texts is
        ignored), so it is a data custodian's step, not a release. Review it, keep only what you
        could have written down without looking at the data, and pass it to fit with --schema.
        Without --schema, fit infers its own schema with DP instead and never uses this one.
        Anything the schema does not mark public is treated as private.

        With --include-values it also writes bounds and category lists read from the data. They are
        marked "public": false and are never used until you set "public": true — do that only for
        values you could have written down without looking at the data.

        Examples:
          dpsynth schema infer adult.csv -o adult.schema.json
          dpsynth schema infer adult.parquet --include-values --missing ? --missing NA
        """;

    private const string CheckHelp = """
        Read a CSV or Parquet table under a schema and report the first cell that does not match it
        (ragged rows, text in numeric columns, categories outside a closed public list, missing
        columns). Prints the row and column count when the whole table matches.

        Example:
          dpsynth schema check adult.csv --schema adult.schema.json
        """;

    public static Command Create()
    {
        var command = new Command("schema", "Infer or check a table's schema.");
        command.Subcommands.Add(CreateInfer());
        command.Subcommands.Add(CreateCheck());
        return command;
    }

    private static Command CreateInfer()
    {
        var data = new Argument<string>("DATA") { Description = "The table (.csv, .tsv or .parquet)." };
        var output = OutputGuard.File(new Option<string?>("--output", "-o") { Description = "Write the schema here (default: standard output)." });
        var includeValues = new Option<bool>("--include-values") { Description = "Also write bounds and categories read from the data, marked \"public\": false." };
        var missing = MissingOption();
        var command = new Command("infer", InferHelp) { data, output, includeValues, missing };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(data)!;
            string? outPath = parse.GetValue(output);
            bool values = parse.GetValue(includeValues);
            var markers = parse.GetValue(missing);
            var options = new TableReadOptions { MissingMarkers = markers is { Length: > 0 } ? markers : null };
            var schema = Refusing(() =>
            {
                var table = TableReader.Read(path, null, options);
                return SchemaInference.Infer(table, values) with { MissingMarkers = options.MissingMarkers };
            });
            string json = TableSchemaJson.ToJson(schema);
            var config = parse.InvocationConfiguration;
            if (outPath is null) config.Output.WriteLine(json);
            else Refusing(() => { AtomicFile.WriteText(outPath, json + Environment.NewLine); return 0; });
            if (values)
                config.Error.WriteLine("dpsynth: warning: the schema holds bounds and categories read from the data; they are marked \"public\": false and are not used unless you review them and declare them public");
            return 0;
        });
        return command;
    }

    private static Command CreateCheck()
    {
        var data = new Argument<string>("DATA") { Description = "The table (.csv, .tsv or .parquet)." };
        var schemaPath = new Option<string>("--schema", "-s") { Description = "The schema file (JSON).", Required = true };
        var missing = MissingOption();
        var command = new Command("check", CheckHelp) { data, schemaPath, missing };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(data)!;
            var markers = parse.GetValue(missing);
            var table = Refusing(() =>
            {
                var schema = TableSchemaJson.Load(parse.GetValue(schemaPath)!);
                return TableReader.Read(path, schema, new TableReadOptions { MissingMarkers = markers is { Length: > 0 } ? markers : null });
            });
            parse.InvocationConfiguration.Output.WriteLine($"{path}: every row read under the schema ({table.Columns.Count} columns; the row count is private and not shown)");
            return 0;
        });
        return command;
    }

    private static Option<string[]> MissingOption() => new("--missing")
    {
        Description = "A cell text meaning \"missing\" (repeatable; default: empty, NA and ?).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Turns bad-input exceptions into the CLI's one-line refusal (exit code 2).</summary>
    private static T Refusing<T>(Func<T> action)
    {
        try { return action(); }
        catch (TableFormatException e) { throw new CliInputException(e.Message, e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliInputException(e.Message, e); }
    }
}
