using System.CommandLine;
using DpSynth.Models.Audit;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth audit`: empirical lower bounds on ε for the noise primitives, DP-SGD and the generators.</summary>
internal static class AuditCommand
{
    /// <summary>Exit code when an audit row fails: a claim exceeded, an implementation off its exact value, or a positive control not caught.</summary>
    public const int AuditFailed = 3;

    private const string Description = """
        Measure privacy instead of only claiming it. An accountant's epsilon is an upper bound on
        paper; an audit runs the code and gives a statistically valid lower bound (95% confidence by
        default). A lower bound above the claimed epsilon is a bug. Each audit also runs positive
        controls - the mechanism broken on purpose while its claim stays the same - which it must
        catch, or the audit has no power. Nothing here reads or writes user data or model files.

          audit mechanisms   noise primitives on neighbouring pairs (seconds)
          audit dpsgd        DP-SGD with canaries in one training run (Steinke, Nasr & Jagielski 2023)
          audit generator    a generator fitted many times with and without a target record (minutes)

        Exit status: 0 when every row passes, 3 when one fails, 2 for bad input.
        """;

    public static Command Create() => new("audit", Description)
    {
        AuditMechanismsCommand.Create(),
        AuditDpSgdCommand.Create(),
        AuditGeneratorCommand.Create(),
    };

    /// <summary>The --json and --seed options every audit takes.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the report as JSON instead of a table." };

    /// <summary>Seed option: a reproducible audit (noise and coins from the seed, recorded as such) instead of the OS CSPRNG.</summary>
    public static Option<long?> SeedOption() => NumberOptions.Long("--seed", "Seed for a reproducible audit; without it every key comes from the OS CSPRNG.");

    /// <summary>
    /// The audits to run: one per claimed ε, then the default controls at the smallest claim — or,
    /// when one control is named, that control at every claim.
    /// </summary>
    public static List<T> Jobs<T>(double[] claims, PositiveControl? only, bool withControls, IEnumerable<PositiveControl> controls,
        Func<double, PositiveControl, T> make)
    {
        if (only is PositiveControl named) return claims.Select(e => make(e, named)).ToList();
        var jobs = claims.Select(e => make(e, PositiveControl.None)).ToList();
        if (withControls) jobs.AddRange(controls.Select(c => make(claims.Min(), c)));
        return jobs;
    }

    /// <summary>
    /// Validates every job (a refusal is one line, exit code 2), runs them with progress on stderr, prints the table
    /// or the JSON <paramref name="toJson"/> writes (one of <see cref="AuditJson"/>'s, source-generated); returns the exit code.
    /// </summary>
    public static int Execute<TJob, TResult>(ParseResult parse, Option<bool> json, IReadOnlyList<TJob> jobs, Action<TJob> validate,
        Func<TJob, IProgress<string>, TResult> run, Func<TResult, bool> passed, Action<TextWriter, IReadOnlyList<TResult>> table,
        Func<IReadOnlyList<TResult>, string> toJson)
    {
        try { foreach (var job in jobs) validate(job); }
        catch (ArgumentException e) { throw new CliInputException(e.Message); }
        var config = parse.InvocationConfiguration;
        var progress = new LineProgress(config.Error);
        var results = jobs.Select(job => run(job, progress)).ToArray();
        if (parse.GetValue(json)) config.Output.WriteLine(toJson(results));
        else
        {
            table(config.Output, results);
            if (!results.All(passed))
                config.Output.WriteLine("a MISSED control means this audit cannot tell that broken run from a sound one: its eps-hat says nothing about faults of that kind; a FAIL is a claim contradicted");
        }
        return results.All(passed) ? 0 : AuditFailed;
    }

    /// <summary>A row's verdict: pass/FAIL for a sound run, caught/MISSED for a positive control.</summary>
    public static string Verdict(PositiveControl control, bool passed) =>
        control == PositiveControl.None ? (passed ? "pass" : "FAIL (eps-hat > claimed)") : passed ? "caught" : "MISSED";

    /// <summary>Progress lines on stderr.</summary>
    public sealed class LineProgress(TextWriter error) : IProgress<string>
    {
        public void Report(string value) => error.WriteLine(value);
    }
}
