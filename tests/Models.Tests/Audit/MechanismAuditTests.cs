using DpSynth.Models.Audit;
using DpSynth.Models.Audit.Mechanisms;

namespace DpSynth.Models.Tests.Audit;

public class MechanismAuditTests
{
    private static readonly MechanismAuditReport Report = MechanismAudit.Run(new MechanismAuditOptions
    {
        Draws = 40_000, SimulatorDraws = 2000, Devices = ["simd", "reference", "ilgpu-cpu"], Seed = 2024,
    });

    [Fact]
    public void EverySoundPrimitiveHoldsItsExactValueAndStaysWithinItsClaim()
    {
        var sound = Report.Rows.Where(r => r.Control == PositiveControl.None).ToArray();
        Assert.Equal(10, sound.Length);
        Assert.Contains(sound, r => r.Mechanism == "lipschitz vae latent release");
        Assert.Contains(sound, r => r.Mechanism == "dp row count");
        foreach (var r in sound)
        {
            Assert.True(r.Consistent, $"{r.Mechanism} ({r.Setting}): exact {r.Exact} outside [{r.Lower}, {r.Upper}] or noise off");
            Assert.False(r.Violation, $"{r.Mechanism} ({r.Setting}): lower bound {r.Lower} above the claim {r.Claimed}");
        }
    }

    [Fact]
    public void NoiseDividedByTenIsCaughtOnTheGaussianAndTheQuantileMechanism()
    {
        var controls = Report.Rows.Where(r => r.Control == PositiveControl.NoiseDividedByTen).ToArray();
        Assert.Equal(2, controls.Length);
        Assert.All(controls, r => Assert.True(r.Violation, $"{r.Mechanism}: lower bound {r.Lower} not above the claim {r.Claimed}"));
        Assert.True(Report.Passed);
    }

    [Fact]
    public void GaussianNoiseReadsTheSameMuOnEveryBackend()
    {
        // Same μ within the intervals on every backend: the noise is one stream, whichever backend adds it.
        var streams = Report.Rows.Where(r => r.Mechanism.Contains("chacha20") && r.Control == PositiveControl.None).ToArray();
        Assert.Equal(["simd", "reference", "ilgpu-cpu"], streams.Select(r => r.Setting.Split(',')[0]));
        Assert.All(streams, r => Assert.InRange(r.Claimed, r.Lower, r.Upper));
    }

    [Fact]
    public void QuantilePairLosesThreeQuartersOfEpsilonExactly()
    {
        // The chosen pair's exact privacy loss (computed from the mechanism's definition) is 0.754 ε.
        double[] first = [.. Enumerable.Range(1, 19).Select(i => i / 20.0)];
        var (_, loss) = QuantileAudit.Region(first, [.. first, 0.025], 1);
        Assert.Equal(0.7544, loss, 3);
    }
}
