using System.Diagnostics;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;
using Xunit.Abstractions;

namespace DpSynth.Privacy.Tests;

public class TmpBenchTests(ITestOutputHelper output)
{
    // Encoder-like: 7 numeric columns (bounds m=2, grid m=31), 7 discovery histograms, eps share 1, delta 1e-5.
    public static List<LedgerStage> EncoderStages()
    {
        double delta = 1e-5, eps = 1;
        int stages = 21, discoveries = 7;
        double discoveryTotal = delta / 10, conv = delta - discoveryTotal;
        double l = Math.Log(1 / conv);
        double sqrtRho = Math.Sqrt(l + eps) - Math.Sqrt(l);
        double rho = sqrtRho * sqrtRho / stages;
        var list = new List<LedgerStage>();
        for (int c = 0; c < 7; c++)
        {
            list.Add(new LedgerStage($"bounds {c}", "q", DpQuantiles.Cost(2, Math.Sqrt(8 * rho / 2))));
            list.Add(new LedgerStage($"grid {c}", "q", DpQuantiles.Cost(31, Math.Sqrt(8 * rho / 31))));
            list.Add(new LedgerStage($"disc {c}", "h", DpHistogram.Cost(Math.Sqrt(1 / (2 * rho)), discoveryTotal / discoveries)));
        }
        return list;
    }

    [Fact]
    public void QuantileOnly()
    {
        foreach (var (stages, m, e) in new[] { (1, 2, 0.1), (5, 31, 0.05), (10, 2, 0.2), (3, 3, 1.0), (20, 31, 0.01), (1, 1, 0.5), (1, 31, 0.1) })
        {
            var costs = Enumerable.Range(0, stages).Select(_ => (PrivacyCost)DpQuantiles.Cost(m, e)).ToArray();
            double rdp = DpSynth.Privacy.Rdp.RdpAccountant.Epsilon(costs, 1e-5).Epsilon;
            double pld = new DpSynth.Privacy.Pld.PldAccountant().Epsilon(costs, 1e-5, false).Epsilon;
            double rr = new DpSynth.Privacy.Pld.PldAccountant().Epsilon(Enumerable.Range(0, stages).Select(_ => (PrivacyCost)new PureDpCost(m * e)).ToArray(), 1e-5, false).Epsilon;
            output.WriteLine($"stages={stages} m={m} e={e}: rdp={rdp:0.0000} pld={pld:0.0000} old-rr-pld={rr:0.0000} basic={stages*m*e:0.0000}");
        }
    }

    [Fact]
    public void Measure()
    {
        foreach (var kind in new[] { AccountantKind.Rdp, AccountantKind.Pld })
        {
            var ledger = new PrivacyLedger(new PrivacyBudget(100, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1), kind);
            var sw = Stopwatch.StartNew();
            foreach (var s in EncoderStages()) ledger.Spend(s);
            double t = sw.Elapsed.TotalSeconds;
            output.WriteLine($"{kind}: eps={ledger.TotalEpsilon:R} spend-time={t:0.000}s");
        }
    }
}
public class TmpExpm1(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Check()
    {
        foreach (double x in new[] { 5e-5, 1e-3, 0.05, 0.09 })
        {
            double m = DpSynth.Privacy.Numerics.Exponential.MinusOne(x);
            double precise = 2 * Math.Exp(x / 2) * Math.Sinh(x / 2);
            output.WriteLine($"x={x} mathnet={m:R} precise={precise:R} rel={(m - precise) / precise:E2}");
            double l = MathNet.Numerics.SpecialFunctions.Log1p(x);
            output.WriteLine($"log1p rel={(l - 2 * Math.Atanh(x / (2 + x))) / l:E2}");
        }
    }
}
