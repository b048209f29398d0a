namespace DpSynth.Cli.Tests;

public sealed class DemoAndDevicesCommandTests
{
    [Fact]
    public void DevicesListsTheCpuAndTheAutoChoice()
    {
        var (code, output, err) = CliRunner.Line("devices");
        Assert.True(code == 0, err);
        Assert.Contains("cpu:0", output);
        Assert.Matches(@"auto: (cuda|simd)", output);
    }

    [Fact]
    public void DemoSelfCheckPassesOnTheSimdBackend()
    {
        var (code, output, err) = CliRunner.Line("demo --device cpu");
        Assert.True(code == 0, err + output);
        Assert.Contains("backend: simd", output);
        Assert.Contains("self-check passed", output);
        Assert.DoesNotContain("FAIL", output);
    }

    [Fact]
    public void UnknownDeviceIsOneLineWithExitCode2()
    {
        var (code, _, err) = CliRunner.Line("demo --device tpu");
        Assert.Equal(2, code);
        Assert.Contains("Unknown device 'tpu'", err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
