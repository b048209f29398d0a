using DpSynth.Models.Generators.Stimuli;
using Xunit;

namespace DpSynth.Models.Tests.Generators.Stimuli;

public sealed class DecayingAdamTests
{
    [Fact]
    public void TheRateFallsLinearlyFromTheInitialToTheFinalFraction()
    {
        using var adam = new DecayingAdam(3e-3f, 101, 0.05f);
        Assert.Equal(3e-3f, adam.RateAt(0), 8);
        Assert.Equal(3e-3f * 0.525f, adam.RateAt(50), 8); // halfway between 1 and 0.05
        Assert.Equal(3e-3f * 0.05f, adam.RateAt(100), 8);
        Assert.Equal(3e-3f * 0.05f, adam.RateAt(500), 8); // steps past the end keep the final rate
    }
}
