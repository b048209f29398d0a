using System.Text.Json;

namespace DpSynth.Cli.Tests.Audit;

public class AuditCommandTests
{
    private static (int Code, string Out, string Err) Run(string commandLine) => CliRunner.Line(commandLine);

    [Fact]
    public void MechanismsJsonHasEveryPrimitiveAndSkipsCudaWithAReason()
    {
        var (code, output, _) = Run("audit mechanisms --draws 2000 --no-controls --seed 1 --json");
        Assert.Equal(0, code);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.True(report.GetProperty("passed").GetBoolean());
        var rows = report.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(11, rows.Length);
        var mechanisms = rows.Select(r => r.GetProperty("mechanism").GetString()).ToArray();
        Assert.Contains("discrete gaussian sampler", mechanisms);
        Assert.Contains("dp row count", mechanisms);
        Assert.Contains("quantile (exponential mechanism)", mechanisms);
        var cuda = rows.Single(r => r.GetProperty("setting").GetString() == "cuda");
        if (Kernels.BackendFactory.CudaDeviceCount() == 0) Assert.Contains("no CUDA device", cuda.GetProperty("skipped").GetString());
    }

    [Fact]
    public void DpSgdControlIsCaughtAndPrintedAsATable()
    {
        var (code, output, err) = Run("audit dpsgd --epsilon 1 --canaries 100 --steps 10 --control noise-div10 --seed 2");
        Assert.Equal(0, code);
        Assert.Contains("noise-div10", output);
        Assert.Contains("caught", output);
        Assert.Contains("step 10/10", err); // progress goes to stderr
    }

    [Fact]
    public void MissedControlExitsWithTheAuditFailureCode()
    {
        // Eight fits cannot certify epsilon 1 (two held-out fits per side bound FPR by 0.84 at best): the control is missed, and the exit code says so.
        var (code, output, _) = Run("audit generator --model dpvi --epsilon 1 --runs 8 --control noise-div10 --seed 4");
        Assert.Equal(3, code);
        Assert.Contains("MISSED", output);
    }

    [Theory]
    [InlineData("audit dpsgd --epsilon abc", "--epsilon")]
    [InlineData("audit dpsgd --epsilon 1 --control categories-without-dp", "does not apply")]
    [InlineData("audit dpsgd --trainer gpu", "--trainer")]
    [InlineData("audit dpsgd --canaries 5", "canaries")]
    [InlineData("audit dpsgd --device nowhere", "--device")]
    [InlineData("audit generator --model nope", "--model")]
    [InlineData("audit generator --model dpvi --control categories-without-dp", "does not apply")]
    [InlineData("audit generator --model dpvi --runs 10", "multiple of 4")]
    [InlineData("audit mechanisms --draws 5", "--draws")]
    [InlineData("audit mechanisms --epsilon -1", "--epsilon")]
    public void BadOptionsAreRefusedInOneLine(string commandLine, string mentions)
    {
        var (code, output, err) = Run(commandLine);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(mentions, err);
        Assert.DoesNotContain("Exception", err);
    }
}
