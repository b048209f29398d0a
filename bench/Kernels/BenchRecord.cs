using DpSynth.Kernels.Cases;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// One timed (row, threads) on a backend, placed on the roofline: its arithmetic intensity against the
/// ridge point (best FMA peak ÷ best triad bandwidth at its working set) decides which roof applies,
/// and the fraction is of that roof as measured alongside the row (<paramref name="Roof"/>).
/// </summary>
internal sealed record BenchRecord(KernelCase Row, string Backend, int Threads, double Seconds, CaseWork Work, long FootprintBytes,
    double FmaPeak, double Bandwidth, double Roof)
{
    public double Gflops => Work.Flops / Seconds / 1e9;

    public double Gbps => Work.Bytes / Seconds / 1e9;

    /// <summary>FLOPs per byte at which both roofs meet.</summary>
    public double Ridge => FmaPeak / Bandwidth;

    public bool ComputeBound => Work.Intensity >= Ridge;

    /// <summary>Achieved share of the roof that applies.</summary>
    public double FractionOfRoof => (ComputeBound ? Gflops : Gbps) / Roof;

    /// <summary>The JSON line's fields.</summary>
    public object Json => new
    {
        family = Row.Family, op = Row.Op, shape = Row.Shape, @params = Row.Parameters, tier = Tier(Row.Tier), backend = Backend, threads = Threads,
        us = Round(Seconds * 1e6), gflops = Round(Gflops), gbps = Round(Gbps), flopsPerByte = Round(Work.Intensity == double.PositiveInfinity ? -1 : Work.Intensity),
        footprintBytes = FootprintBytes, triadFootprintBytes = Roofs.Bucket(FootprintBytes), ridge = Round(Ridge), bound = ComputeBound ? "compute" : "memory", roof = ComputeBound ? "fma-peak" : "triad-bandwidth",
        roofValue = Round(Roof), roofBest = Round(ComputeBound ? FmaPeak : Bandwidth), roofUnit = ComputeBound ? "GFLOP/s" : "GB/s", fractionOfRoof = Math.Round(FractionOfRoof, 3),
    };

    public static string Tier(CaseTier tier) => tier switch
    {
        CaseTier.Tiny => "tiny", CaseTier.Awkward => "awkward", CaseTier.Network => "network", _ => "network-large",
    };

    /// <summary>Four significant digits: simulator rates are tiny and GPU rates large, so fixed decimals do not fit both.</summary>
    public static double Round(double x)
    {
        if (x == 0 || double.IsNaN(x) || double.IsInfinity(x)) return x;
        int digits = Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 15);
        return Math.Round(x, digits);
    }
}
