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
    public void DemoRunsEndToEndOnASmallClinicTable()
    {
        string folder = Directory.CreateTempSubdirectory("dpsynth-demo-test-").FullName;
        try
        {
            var (code, output, err) = CliRunner.Line($"demo --device cpu --rows 1500 --epochs 1 --seed 3 --output-dir {folder}");
            Assert.True(code == 0, err + output);
            Assert.Contains("backend: simd", output);
            Assert.Contains("checks against the scalar reference passed", output);
            Assert.Matches(@"fitted tablediffusion \(default\): epsilon (0\.9\d*|1) ", output);
            Assert.Contains("sampled 1500 synthetic rows", output);
            Assert.Contains("train-on-synthetic AUC", output);
            foreach (var file in new[] { "clinic_real.csv", "clinic_holdout.csv", "clinic_synthetic.csv", "clinic.schema.json", "clinic.dpsynth" })
                Assert.True(File.Exists(Path.Combine(folder, file)), file);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
