using Xunit;

namespace DpSynth.Cli.Tests;

/// <summary>`dpsynth stimuli simulate | teach | generate | evaluate | study` end to end on small simulated data, and refusals.</summary>
public sealed class StimuliCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-stimuli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private void Simulate()
    {
        var r = CliRunner.Run("stimuli", "simulate", "--subjects", "4", "--windows", "40", "-o", P("ap"));
        Assert.True(r.Code == 0, r.Err);
    }

    [Fact]
    public void TeachGenerateEvaluateRunAndSayThereIsNoGuaranteeWithoutDp()
    {
        Simulate();
        var teach = CliRunner.Run("stimuli", "teach", P("ap/windows_train.csv"), "--schema", P("ap/windows.schema.json"), "--label", "label", "--subject", "subject",
            "--epochs", "15", "--seed", "1", "--device", "cpu", "-o", P("t.dpsynth"));
        Assert.True(teach.Code == 0, teach.Err);
        Assert.Contains("NO formal privacy guarantee", teach.Out);
        var gen = CliRunner.Run("stimuli", "generate", P("t.dpsynth"), "--count", "50", "--inhibit-identity", "0.5", "--seed", "2", "--device", "cpu", "-o", P("s.csv"));
        Assert.True(gen.Code == 0, gen.Err);
        Assert.Contains("NO formal privacy guarantee", gen.Out);
        var lines = File.ReadAllLines(P("s.csv"));
        Assert.Equal(51, lines.Length);
        Assert.EndsWith("soft_0,soft_1,target", lines[0]);
        var eval = CliRunner.Run("stimuli", "evaluate", "--stimuli", P("s.csv"), "--test", P("ap/windows_test.csv"), "--schema", P("ap/windows.schema.json"), "--device", "cpu");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("logistic", eval.Out);
        Assert.Contains("kappa", eval.Out);
    }

    [Fact]
    public void DpTeachRecordsTheLedgerAndItsGuarantee()
    {
        Simulate();
        var teach = CliRunner.Run("stimuli", "teach", P("ap/windows_train.csv"), "--schema", P("ap/windows.schema.json"), "--label", "label", "--subject", "subject",
            "--epsilon", "4", "--epochs", "1", "--seed", "1", "--device", "cpu", "-o", P("tdp.dpsynth"));
        Assert.True(teach.Code == 0, teach.Err);
        Assert.Contains("differentially private", teach.Out);
        var manifest = Models.ModelFiles.ModelFile.ReadManifest(P("tdp.dpsynth"));
        Assert.Equal("stimuli-teacher", manifest.ModelKind);
        var ledger = Privacy.Ledger.PrivacyLedger.FromJson(manifest.PrivacyLedger!.ToJsonString());
        Assert.Equal(4, ledger.Stages.Count); // row count, generators' output range, teacher, ID classifier
        Assert.Contains(ledger.Stages, s => s.Name.Contains("output range", StringComparison.Ordinal));
        Assert.InRange(ledger.TotalEpsilon, 3.5, 4.0);
    }

    [Fact]
    public void BadInputIsRefusedInOneLineAndWritesNothing()
    {
        Simulate();
        // A DP teacher without public bounds (no schema) cannot scale its inputs for free.
        var noBounds = CliRunner.Run("stimuli", "teach", P("ap/windows_train.csv"), "--label", "label", "--subject", "subject", "--epsilon", "1", "-o", P("x.dpsynth"));
        Assert.Equal(2, noBounds.Code);
        Assert.Contains("public bounds", noBounds.Err);
        Assert.Single(noBounds.Err.Trim().Split('\n'));
        var noLabel = CliRunner.Run("stimuli", "teach", P("ap/windows_train.csv"), "--label", "nope", "-o", P("x.dpsynth"));
        Assert.Equal(2, noLabel.Code);
        Assert.Contains("nope", noLabel.Err);
        Assert.False(File.Exists(P("x.dpsynth")));
        // A file that is not a stimuli teacher.
        File.WriteAllText(P("bogus.dpsynth"), "not a zip");
        var bogus = CliRunner.Run("stimuli", "generate", P("bogus.dpsynth"), "--count", "5", "-o", P("s.csv"));
        Assert.Equal(2, bogus.Code);
        Assert.DoesNotContain("Exception", bogus.Err);
        Assert.False(File.Exists(P("s.csv")));
        // Writing over an input is refused.
        var overwrite = CliRunner.Run("stimuli", "teach", P("ap/windows_train.csv"), "--label", "label", "-o", P("ap/windows_train.csv"), "--force");
        Assert.Equal(2, overwrite.Code);
        Assert.Contains("input", overwrite.Err);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories), f => Path.GetFileName(f).StartsWith('.'));
    }

    [Fact]
    public void StudyRefusesBadLinkageSettingsWithOneLine()
    {
        var r = CliRunner.Run("stimuli", "study", "--non-members", "0", "-o", P("never"));
        Assert.Equal(2, r.Code);
        Assert.Contains("non-member", r.Err);
        Assert.DoesNotContain("Exception", r.Err);
        Assert.False(Directory.Exists(P("never")));
    }

    [Fact]
    public void StudyWritesTablesJsonAndPlot()
    {
        var r = CliRunner.Run("stimuli", "study", "--subjects", "4", "--non-members", "4", "--splits", "3", "--linkage-stimuli", "40", "--windows", "40",
            "--counts", "20,40", "--epsilons", "none", "--device", "cpu", "-o", P("study"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("students trained on stimuli only", r.Out);
        Assert.Contains("cost of identity inhibition", r.Out);
        // The re-identification table: stimuli with and without inhibition beside the controls it is read against.
        Assert.Contains("subject-level linkage over 3 random member splits", r.Out);
        Assert.Contains("stimuli, inhibited", r.Out);
        Assert.Contains("content-free noise", r.Out);
        Assert.Contains("members' windows", r.Out);
        Assert.Contains("non-members' windows", r.Out);
        var json = File.ReadAllText(P("study/study.json"));
        Assert.Contains("\"teachers\"", json);
        Assert.Contains("\"linkage\"", json);
        Assert.Contains("\"top_one_against_others\"", json);
        Assert.StartsWith("<svg", File.ReadAllText(P("study/study.svg")));
    }
}
