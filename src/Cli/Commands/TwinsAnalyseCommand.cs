using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth twins analyse`: the analyst's side — local data plus other parties' twins, one
/// regression per combined dataset, pooled by Rubin's rules for fully synthetic data, printed
/// beside the local-only fit.
/// </summary>
internal static class TwinsAnalyseCommand
{
    private const string Description = """
        Fit a regression to your local data combined with other parties' synthetic twins and pool the
        M fits by Rubin's rules for fully synthetic data; the local-only fit is printed beside it.
        Combined dataset m joins the local data with copy m (twin_m.csv) of every --twins directory,
        so every directory must hold the same number of copies. Standard errors are robust (HC1).
        A '*' marks coefficients where T = (1 + 1/M)B - U was <= 0 and the fallback variance U was used.

        Example:
          dpsynth twins analyse --local centre_a.csv --twins twins_b twins_c --formula "visits ~ age_group + sex" --family poisson --schema clinic.schema.json
        """;

    public static Command Create()
    {
        var local = new Option<string>("--local") { Description = "Your own table (.csv, .tsv or .parquet).", Required = true };
        var twins = new Option<string[]>("--twins") { Description = "Release directories of the other parties (written by `twins release`).", Required = true, AllowMultipleArgumentsPerToken = true };
        var formula = new Option<string>("--formula") { Description = "Regression formula, e.g. \"visits ~ age_group + sex\".", Required = true };
        var family = new Option<string>("--family") { Description = "poisson or logistic.", Required = true };
        var schemaPath = new Option<string?>("--schema", "-s") { Description = "Schema file (JSON) for all tables; without it kinds are inferred from the local data." };
        var references = new Option<string[]>("--reference") { Description = "Reference level of a categorical covariate, as column=level (repeatable).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the table." };

        var command = new Command("analyse", Description) { local, twins, formula, family, schemaPath, references, json };
        command.Aliases.Add("analyze");
        command.SetAction(parse =>
        {
            var f = ParseFormula(parse.GetValue(formula)!);
            // Checked here rather than by AcceptOnlyFromAmong, whose error spans several lines.
            var fam = parse.GetValue(family) switch
            {
                "logistic" => GlmFamily.Logistic,
                "poisson" => GlmFamily.Poisson,
                var other => throw new CliInputException($"--family: '{other}' is not a family; use poisson or logistic"),
            };
            string localPath = parse.GetValue(local)!;
            var dirs = parse.GetValue(twins) ?? [];
            if (dirs.Length == 0) throw new CliInputException("--twins: give at least one release directory");
            // The same party twice would count its twin twice in every combined dataset.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in dirs)
                if (!seen.Add(Path.GetFullPath(d).TrimEnd(Path.DirectorySeparatorChar)))
                    throw new CliInputException($"--twins: {d} is given more than once");
            var copies = dirs.Select(CountCopies).ToArray();
            for (int k = 1; k < dirs.Length; k++)
                if (copies[k] != copies[0])
                    throw new CliInputException($"--twins: {dirs[0]} holds {copies[0]} copies but {dirs[k]} holds {copies[k]}; every directory must hold the same number");

            var (localTable, schema) = TableInput.Read(localPath, parse.GetValue(schemaPath));
            var parties = dirs.Select(d => (IReadOnlyList<Table>)Enumerable.Range(1, copies[0])
                .Select(m => ReadTwin(Path.Combine(d, TwinsReleaseCommand.TwinFile(m)), schema, localTable)).ToArray()).ToArray();

            var design = new DesignOptions();
            if (parse.GetValue(schemaPath) is not null) design.WithPublicCategories(schema);
            foreach (var r in parse.GetValue(references) ?? [])
            {
                int eq = r.IndexOf('=');
                if (eq <= 0 || eq == r.Length - 1) throw new CliInputException($"--reference: '{r}' is not column=level");
                design.References[r[..eq]] = r[(eq + 1)..];
            }
            TwinAnalysisResult result;
            try { result = TwinAnalysis.LocalPlusTwins(localTable, parties, f, fam, new TwinAnalysisOptions { Design = design }); }
            catch (Exception e) when (e is FormulaException or GlmFitException) { throw new CliInputException(e.Message, e); }

            var caveats = dirs.SelectMany(d => ReadCaveats(d).Select(c => $"{d}: {c}")).ToArray();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(ToJson(result, localPath, dirs, caveats).ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            else WriteTable(output, result, localTable, dirs, caveats);
            return 0;
        });
        return command;
    }

    private static Formula ParseFormula(string text)
    {
        try { return Formula.Parse(text); }
        catch (FormulaException e) { throw new CliInputException(e.Message, e); }
    }

    /// <summary>The number M of copies twin_1.csv .. twin_M.csv in <paramref name="dir"/>, which must be consecutive.</summary>
    private static int CountCopies(string dir)
    {
        if (!Directory.Exists(dir)) throw new CliInputException($"{dir}: release directory not found");
        int m = 0;
        while (File.Exists(Path.Combine(dir, TwinsReleaseCommand.TwinFile(m + 1)))) m++;
        int files = Directory.EnumerateFiles(dir, "twin_*.csv").Count();
        if (m == 0) throw new CliInputException($"{dir}: no twin_1.csv; not a release directory written by `dpsynth twins release`");
        if (files != m) throw new CliInputException($"{dir}: twin files are not numbered 1..M without gaps (found {files}, consecutive {m})");
        if (m < 2) throw new CliInputException($"{dir}: pooling needs at least 2 copies, found 1");
        return m;
    }

    /// <summary>Reads a twin under the local data's schema, refusing one whose columns differ from the local data's.</summary>
    private static Table ReadTwin(string path, TableSchema schema, Table local)
    {
        Table twin;
        try { twin = TableReader.Read(path, schema); }
        catch (TableFormatException e) { throw new CliInputException($"{e.Message} (a twin must have the schema of the local data)", e); }
        var want = local.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var got = twin.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var missing = want.Except(got).ToArray();
        var extra = got.Except(want).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
            throw new CliInputException($"{path}: its columns differ from {local.Source}'s (missing: {List(missing)}; extra: {List(extra)}); a twin must have the schema of the local data");
        foreach (var c in local.Columns)
        {
            var t = twin.Find(c.Name)!;
            if ((t is NumericColumn) != (c is NumericColumn))
                throw new CliInputException($"{path}: column \"{c.Name}\" is {Kind(t)} but {Kind(c)} in {local.Source}; a twin must have the schema of the local data");
        }
        return twin;
    }

    private static string Kind(TableColumn c) => c is NumericColumn ? "numeric" : "categorical";

    private static string List(string[] names) => names.Length == 0 ? "none" : string.Join(", ", names);

    private static string[] ReadCaveats(string dir)
    {
        string path = Path.Combine(dir, TwinsReleaseCommand.CaveatsFile);
        if (!File.Exists(path)) return ["no caveats.txt: how these twins were made is unknown"];
        return File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
    }

    private static (double Estimate, double Se, double Lower, double Upper)? LocalRow(TwinAnalysisResult r, string name)
    {
        if (r.LocalFit is not { } fit) return null;
        int i = -1;
        for (int j = 0; j < fit.Names.Count; j++) if (fit.Names[j] == name) i = j;
        if (i < 0) return null; // a level absent from the local data has no local coefficient
        double est = fit.Coefficients[i], se = fit.StandardErrors()[i];
        return (est, se, est - 1.959963984540054 * se, est + 1.959963984540054 * se);
    }

    private static void WriteTable(TextWriter o, TwinAnalysisResult r, Table local, string[] dirs, string[] caveats)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"{r.Pooled.Family} regression {r.Layout.Formula}: {local.Source} ({local.RowCount} rows) plus twins of {dirs.Length} {(dirs.Length == 1 ? "party" : "parties")}, M = {r.Pooled.Datasets} combined datasets; robust (HC1) standard errors");
        int w = Math.Max(11, r.Pooled.Coefficients.Max(c => c.Name.Length));
        o.WriteLine($"{"coefficient".PadRight(w)}  {"pooled",10} {"SE",9} {"95% interval",-24}  {"local",10} {"SE",9} {"95% interval",-24}");
        bool anyFallback = false;
        foreach (var c in r.Pooled.Coefficients)
        {
            var sb = new StringBuilder();
            sb.Append(c.Name.PadRight(w)).Append(c.UsedFallback ? '*' : ' ').Append(' ');
            sb.Append(string.Format(inv, "{0,10:0.0000} {1,9:0.0000} {2,-24}", c.Estimate, c.StandardError, Interval(c.Lower95, c.Upper95)));
            sb.Append("  ");
            if (LocalRow(r, c.Name) is { } l)
                sb.Append(string.Format(inv, "{0,10:0.0000} {1,9:0.0000} {2,-24}", l.Estimate, l.Se, Interval(l.Lower, l.Upper)));
            else sb.Append(string.Format(inv, "{0,10} {1,9} {2,-24}", "-", "-", "-"));
            o.WriteLine(sb.ToString().TrimEnd());
            anyFallback |= c.UsedFallback;
        }
        if (anyFallback) o.WriteLine("* T = (1 + 1/M)B - U <= 0: the fallback variance (n_syn/n)U was used and the interval uses the normal quantile");
        if (r.LocalFitError is not null) o.WriteLine($"local-only fit failed: {r.LocalFitError}");
        o.WriteLine("caveats:");
        foreach (var c in caveats) o.WriteLine($"  {c}");
    }

    private static string Interval(double lo, double hi) => $"[{Number(lo)}, {Number(hi)}]";

    // A barely positive T gives ν far below 1 and astronomically wide intervals: keep them short.
    private static string Number(double x) =>
        x.ToString(Math.Abs(x) >= 1e6 ? "0.###E+0" : "0.0000", CultureInfo.InvariantCulture);

    private static JsonObject ToJson(TwinAnalysisResult r, string localPath, string[] dirs, string[] caveats)
    {
        var coefficients = new JsonArray();
        foreach (var c in r.Pooled.Coefficients)
        {
            var l = LocalRow(r, c.Name);
            coefficients.Add((JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["pooled"] = new JsonObject
                {
                    ["estimate"] = c.Estimate,
                    ["se"] = c.StandardError,
                    ["lower95"] = Finite(c.Lower95),
                    ["upper95"] = Finite(c.Upper95),
                    ["between_variance"] = c.BetweenVariance,
                    ["mean_within_variance"] = c.MeanWithinVariance,
                    ["raw_total_variance"] = c.RawTotalVariance,
                    ["fallback"] = c.UsedFallback,
                    ["df"] = Finite(c.DegreesOfFreedom),
                },
                ["local"] = l is { } v ? new JsonObject { ["estimate"] = v.Estimate, ["se"] = v.Se, ["lower95"] = v.Lower, ["upper95"] = v.Upper } : null,
            });
        }
        return new JsonObject
        {
            ["formula"] = r.Layout.Formula.Text,
            ["family"] = r.Pooled.Family == GlmFamily.Logistic ? "logistic" : "poisson",
            ["local"] = localPath,
            ["twins"] = new JsonArray(dirs.Select(d => (JsonNode)d).ToArray()),
            ["copies"] = r.Pooled.Datasets,
            ["standard_errors"] = "HC1",
            ["coefficients"] = coefficients,
            ["local_fit_error"] = r.LocalFitError,
            ["caveats"] = new JsonArray(caveats.Select(c => (JsonNode)c).ToArray()),
        };
    }

    /// <summary>JSON has no infinities: an unbounded interval end or ν = ∞ is written as null.</summary>
    private static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
