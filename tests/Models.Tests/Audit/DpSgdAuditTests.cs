using DpSynth.Models.Audit;
using DpSynth.Models.Audit.DpSgd;
using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Tests.Audit;

public class DpSgdAuditTests
{
    private static DpSgdAuditOptions Small(double epsilon, PositiveControl control = PositiveControl.None) => new()
    {
        Epsilon = epsilon, Canaries = 200, BackgroundRecords = 100, Steps = 30, SampleRate = 0.5, Control = control, Seed = 11,
        // RDP keeps the test in seconds (the PLD calibration takes seconds per ε); its σ is larger, its claim just as binding.
        Accountant = AccountantKind.Rdp,
    };

    [Fact]
    public void SoundTrainerIsNotCaughtAboveItsClaim()
    {
        var result = DpSgdAudit.Run(Small(4));
        Assert.True(result.EpsilonLowerBound <= 4, $"epsilon-hat {result.EpsilonLowerBound} above the claimed 4");
        Assert.True(result.LedgerEpsilon <= 4);
        // At ε = 4 the canaries do move: the guesses beat chance, so the audit is not vacuous.
        Assert.True(result.Best.Correct > result.Best.PerSide, $"{result.Best.Correct} of {2 * result.Best.PerSide} guesses right");
        Assert.True(result.Passed);
    }

    [Theory]
    [InlineData(PositiveControl.NoiseDividedByTen)]
    [InlineData(PositiveControl.ClippingDisabled)]
    public void BrokenTrainerIsCaughtWhileTheLedgerClaimsTheSoundRun(PositiveControl control)
    {
        var result = DpSgdAudit.Run(Small(1, control));
        Assert.True(result.LedgerEpsilon <= 1, "the ledger must still claim the sound run");
        Assert.True(result.EpsilonLowerBound > 1, $"{control}: epsilon-hat {result.EpsilonLowerBound} not above the claimed 1");
        Assert.True(result.Passed);
    }

    [Theory]
    [InlineData(PositiveControl.NoiseDividedByTen)]
    [InlineData(PositiveControl.ClippingDisabled)]
    public void BrokenPerExampleTrainerIsCaughtToo(PositiveControl control)
    {
        var result = DpSgdAudit.Run(Small(1, control) with { Trainer = AuditedTrainer.PerExample });
        Assert.True(result.EpsilonLowerBound > 1, $"{control}: epsilon-hat {result.EpsilonLowerBound} not above the claimed 1");
    }

    [Fact]
    public void SoundPerExampleTrainerIsNotCaughtAboveItsClaim()
    {
        var result = DpSgdAudit.Run(Small(1) with { Trainer = AuditedTrainer.PerExample });
        Assert.True(result.EpsilonLowerBound <= 1, $"epsilon-hat {result.EpsilonLowerBound} above the claimed 1");
    }

    [Fact]
    public void CanariesMoveOnlyTheirOwnWeight()
    {
        var source = new DiracCanaries(5, [1, 3], background: 2);
        Assert.Equal(4, source.Records);
        var inputs = new float[4 * 5];
        var targets = new float[4];
        source.Fill([0, 1, 2, 3], inputs, targets, 0);
        Assert.Equal([0f, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], inputs);
        Assert.All(targets, t => Assert.Equal(DiracCanaries.Target, t));
    }
}
