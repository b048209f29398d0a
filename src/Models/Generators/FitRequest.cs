using System.Globalization;

namespace DpSynth.Models.Generators;

/// <summary>What every generator's fit takes besides the data: the budget, the seed, the generator's settings.</summary>
public sealed record FitRequest
{
    /// <summary>Total ε of the fit (every ledger stage together).</summary>
    public required double Epsilon { get; init; }

    /// <summary>δ of the guarantee — the user's choice, never derived from the row count.</summary>
    public required double Delta { get; init; }

    /// <summary>Seed for every random choice (reproducible, recorded as not secure); null uses the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Generator-specific settings (each generator lists those it takes in <see cref="Generator.Settings"/>).</summary>
    public GeneratorSettings Settings { get; init; } = GeneratorSettings.Empty;

    /// <summary>Name of the schema file, for refusals.</summary>
    public string SchemaFile { get; init; } = "schema";

    /// <summary>Positive-control faults of an audit (<see cref="Audit.AuditFaults"/>); none outside an audit, and unreachable from outside the assembly.</summary>
    internal Audit.AuditFaults Faults { get; init; } = Audit.AuditFaults.None;

    /// <summary>Checks the budget; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void ValidateBudget()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {Epsilon.ToString(CultureInfo.InvariantCulture)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta.ToString(CultureInfo.InvariantCulture)}");
    }
}
