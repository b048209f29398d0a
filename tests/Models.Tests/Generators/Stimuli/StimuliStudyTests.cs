using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.Stimuli;
using DpSynth.Models.Generators.Stimuli.Study;
using Xunit;

namespace DpSynth.Models.Tests.Generators.Stimuli;

public sealed class StimuliStudyTests
{
    [Fact]
    public void TinyStudyMeasuresLinkageOverMemberSplitsWithControls()
    {
        var options = new StimuliStudyOptions
        {
            Subjects = 3, NonMembers = 3, WindowsPerSubject = 40, StimulusCounts = [30], Epsilons = [],
            LinkageSplits = 3, LinkageStimuli = 30, Lanes = 8, Seed = 5,
        };
        using var backend = new SimdBackend();
        var r = StimuliStudy.Run(options, backend);

        // The data holder sees the 3 members only; the attacker names any of the 6 candidates.
        Assert.Equal(3 * 32, r.TrainWindows);
        Assert.Equal(1.0 / 6, r.RealReidentification.Chance, 12);
        var link = r.Linkage;
        Assert.Equal(0.5, link.MemberShare, 12);
        Assert.Equal(3, link.Splits.Count);
        Assert.Equal([0, 1, 2], link.Splits[0].Members);
        Assert.All(link.Splits, s => Assert.Equal(3, s.Members.Distinct().Count(m => m is >= 0 and < 6)));
        Assert.All(link.Splits, s => Assert.Equal(30, s.Noise.Rows));
        Assert.All(link.Splits, s => Assert.Equal(30, s.Stimuli!.Rows));
        Assert.NotNull(link.Inhibited);
        Assert.NotNull(link.Excited);
        // The controls bracket the scale (at most 2× here): the members' own windows far above the
        // non-members', which the attacker names members for only by mistake.
        Assert.True(link.MemberWindows.TopOneRatio > 1.5, $"member windows {link.MemberWindows.TopOneRatio}");
        Assert.True(link.NonMemberWindows.TopOneRatio < 0.5, $"non-member windows {link.NonMemberWindows.TopOneRatio}");
        Assert.True(link.MemberWindows.TopOneAgainstOthers > link.NonMemberWindows.TopOneAgainstOthers);
        Assert.InRange(link.Stimuli!.TopOneRatio, 0, 2);
        Assert.Contains(r.Teachers, t => t.Name == StimuliStudy.NonPrivate + ", inhibited");
        Assert.Contains("\"linkage\"", StimuliStudyReport.ToJson(r));
        // Written through source-generated metadata exactly as reflection with the non-generic enum converter wrote it.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(r, Json.ReportJsonTests.LegacyStudy), StimuliStudyReport.ToJson(r));
    }

    [Fact]
    public void OptionsRefuseALinkageWithoutNonMembersOrSplits()
    {
        Assert.Throws<ArgumentException>(() => new StimuliStudyOptions { NonMembers = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new StimuliStudyOptions { LinkageSplits = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new StimuliStudyOptions { LinkageStimuli = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new StimuliStudyOptions { ExciteIdentity = -1 }.Validate());
    }
}
