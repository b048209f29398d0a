using System.Globalization;

namespace DpSynth.Models.Generators;

/// <summary>The privacy budget and run settings every fit over encoded rows shares; each generator adds its hyper-parameters.</summary>
public abstract record EncodedFitRequest
{
    /// <summary>Total ε of the fit (preprocessing and training together).</summary>
    public required double Epsilon { get; init; }

    /// <summary>δ of the guarantee — the user's choice, never derived from the row count.</summary>
    public required double Delta { get; init; }

    /// <summary>
    /// Share of ε offered to preprocessing: DP schema inference when there is no schema, and the
    /// encoder's private statistics (ranges, bounds, quantile grids, category discovery…); what it
    /// leaves unspent (e.g. when everything is public) goes to training.
    /// </summary>
    public double PreprocessingShare { get; init; } = 0.2;

    /// <summary>Seed for every random choice (reproducible, recorded as not secure); null uses the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Name of the schema file, for refusals.</summary>
    public string SchemaFile { get; init; } = "schema";

    /// <summary>Positive-control faults of an audit (<see cref="Audit.AuditFaults"/>); none outside an audit.</summary>
    internal Audit.AuditFaults Faults { get; init; } = Audit.AuditFaults.None;

    /// <summary>Checks the budget (and, in generators, their hyper-parameters); throws <see cref="ArgumentException"/> naming the bad value. Reads no data.</summary>
    public virtual void Validate()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {Epsilon.ToString(CultureInfo.InvariantCulture)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta.ToString(CultureInfo.InvariantCulture)}");
        if (!(PreprocessingShare >= 0 && PreprocessingShare < 1)) throw new ArgumentException($"the preprocessing share must be in [0, 1), got {PreprocessingShare.ToString(CultureInfo.InvariantCulture)}");
    }
}
