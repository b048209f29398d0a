using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

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

    /// <summary>JSON for audit reports: snake_case, indented, NaN and infinities as strings.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    /// <summary>The --json and --seed options every audit takes.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the report as JSON instead of a table." };

    /// <summary>Seed option: a reproducible audit (noise and coins from the seed, recorded as such) instead of the OS CSPRNG.</summary>
    public static Option<long?> SeedOption() => NumberOptions.Long("--seed", "Seed for a reproducible audit; without it every key comes from the OS CSPRNG.");

    /// <summary>Progress lines on stderr.</summary>
    public sealed class LineProgress(TextWriter error) : IProgress<string>
    {
        public void Report(string value) => error.WriteLine(value);
    }
}
