using DpSynth.Kernels.Cases;

namespace DpSynth.Bench.Kernels;

/// <summary>The command line of the quick modes.</summary>
internal sealed class BenchOptions
{
    /// <summary>--json: one JSON line per (row, threads).</summary>
    public bool Json { get; private set; }

    /// <summary>--table: a readable summary grouped by op family.</summary>
    public bool Table { get; private set; }

    /// <summary>--conformance: check every row against the scalar reference instead of timing it.</summary>
    public bool Conformance { get; private set; }

    /// <summary>--device D (see BackendFactory).</summary>
    public string Device { get; private set; } = "simd";

    /// <summary>--only TEXT: rows whose name contains TEXT.</summary>
    public string? Only { get; private set; }

    /// <summary>--tier T (tiny, awkward, network, large) or --tiny: the most expensive tier run.</summary>
    public CaseTier MaxTier { get; private set; } = CaseTier.NetworkLarge;

    /// <summary>--network: only the reference network's rows (batch 1024 and 16,384).</summary>
    public bool NetworkOnly { get; private set; }

    /// <summary>--threads N: the most CPU threads (default: all cores).</summary>
    public int MaxThreads { get; private set; } = Environment.ProcessorCount;

    /// <summary>--out FILE: write the JSON lines there instead of standard output.</summary>
    public string? Out { get; private set; }

    /// <summary>True when a quick mode (not BenchmarkDotNet) was asked for.</summary>
    public bool Quick => Json || Table || Conformance;

    /// <summary>Parses the arguments; throws ArgumentException with a one-line message for bad ones.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--json": o.Json = true; break;
                case "--table": o.Table = true; break;
                case "--conformance": o.Conformance = true; break;
                case "--device": o.Device = Value(); break;
                case "--only": o.Only = Value(); break;
                case "--tiny": o.MaxTier = CaseTier.Tiny; break;
                case "--tier": o.MaxTier = ParseTier(Value()); break;
                case "--network": o.NetworkOnly = true; break;
                case "--threads":
                    o.MaxThreads = int.TryParse(Value(), out int t) && t > 0 ? t : throw new ArgumentException("--threads needs a positive whole number.");
                    break;
                case "--out": o.Out = Value(); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'; see bench/Kernels/Program.cs for the options.");
            }
        }
        return o;
    }

    /// <summary>The rows selected by --tier, --network and --only.</summary>
    public IEnumerable<KernelCase> Rows()
        => KernelCaseTable.UpTo(MaxTier).Where(r => (!NetworkOnly || r.Tier >= CaseTier.Network)
                                                   && (Only is null || r.Name.Contains(Only, StringComparison.OrdinalIgnoreCase)));

    private static CaseTier ParseTier(string name) => name switch
    {
        "tiny" => CaseTier.Tiny,
        "awkward" => CaseTier.Awkward,
        "network" => CaseTier.Network,
        "large" or "network-large" => CaseTier.NetworkLarge,
        _ => throw new ArgumentException($"Unknown tier '{name}'; valid tiers are tiny, awkward, network, large."),
    };
}
