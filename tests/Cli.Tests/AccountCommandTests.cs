using System.Text.Json;

namespace DpSynth.Cli.Tests;

public class AccountCommandTests
{
    private static (int Code, string Out, string Err) Run(string commandLine) => CliRunner.Line(commandLine);

    private static JsonElement Json(string output)
    {
        Assert.Single(output.Trim().Split('\n'));
        return JsonDocument.Parse(output).RootElement;
    }

    [Fact]
    public void PrintsEpsilonByBothAccountants()
    {
        var (code, output, err) = Run("account --sample-rate 0.03125 --noise-multiplier 2.949 --steps 160 --delta 1e-5");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("epsilon (RDP", output);
        Assert.Contains("epsilon (PLD", output);
        Assert.Contains("0.5637", output);
    }

    /// <summary>How --json was written before NativeAOT: the reflection serializer on a Dictionary&lt;string, object&gt;.</summary>
    private static readonly JsonSerializerOptions LegacyOptions = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    [Fact]
    public void JsonIsWrittenByteForByteAsTheReflectionSerializerWroteIt()
    {
        var result = new Dictionary<string, object>
        {
            ["sample_rate"] = 0.03125, ["steps"] = 160L, ["delta"] = 1e-5, ["noise_multiplier"] = 2.949,
            ["epsilon_rdp"] = 0.56372918473627, ["rdp_order"] = 21.0, ["epsilon_pld"] = double.PositiveInfinity,
            ["epsilon_pld_error"] = double.NaN, ["pld_interval"] = double.NegativeInfinity, ["tiny"] = 4.9e-324,
            ["huge"] = 1.7976931348623157e308, ["whole"] = long.MaxValue, ["negative_zero"] = -0.0, ["third"] = 1.0 / 3,
        };
        Assert.Equal(JsonSerializer.Serialize(result, LegacyOptions), DpSynth.Cli.Commands.AccountCommand.ToJson(result));
    }

    [Theory]
    [InlineData("account --sample-rate 0.01 --steps 100 --noise-multiplier 1 --delta 1e-5 --json --timing")]
    [InlineData("account --batch-size 256 --rows 8192 --epochs 15 --delta 1e-5 --target-epsilon 1 --json")]
    public void CommandJsonIsTheReflectionSerializersOfTheSameValues(string commandLine)
    {
        var (code, output, _) = Run(commandLine);
        Assert.Equal(0, code);
        // Read back with the type each key had (steps a long, everything else a double) and written the old way.
        var values = Json(output).EnumerateObject().ToDictionary(p => p.Name, p => p.Name == "steps" ? (object)p.Value.GetInt64() : p.Value.GetDouble());
        Assert.True(values.Count >= 6, output);
        Assert.Equal(JsonSerializer.Serialize(values, LegacyOptions), output.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void JsonHasOpacusReferenceAndTighterPld()
    {
        var (code, output, _) = Run("account --sample-rate 0.03125 --noise-multiplier 2.949 --steps 160 --delta 1e-5 --json");
        Assert.Equal(0, code);
        var json = Json(output);
        double rdp = json.GetProperty("epsilon_rdp").GetDouble();
        double pld = json.GetProperty("epsilon_pld").GetDouble();
        Assert.InRange(rdp, 0.5637 * 0.995, 0.5637 * 1.005);
        Assert.InRange(pld, 0.3, rdp);
        Assert.True(json.GetProperty("epsilon_pld_error").GetDouble() < 0.01);
        Assert.Equal(160, json.GetProperty("steps").GetInt64());
    }

    [Fact]
    public void CalibratesFromBatchRowsAndEpochs()
    {
        // B = 256, N = 8192, 15 epochs → q = 1/32 and ceil(15·8192/256) = 480 steps; Opacus gives σ ≈ 2.949.
        var (code, output, err) = Run("account --batch-size 256 --rows 8192 --epochs 15 --delta 1e-5 --target-epsilon 1 --json");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var json = Json(output);
        Assert.Equal(1.0 / 32, json.GetProperty("sample_rate").GetDouble(), 15);
        Assert.Equal(480, json.GetProperty("steps").GetInt64());
        double rdp = json.GetProperty("noise_multiplier_rdp").GetDouble();
        double pld = json.GetProperty("noise_multiplier_pld").GetDouble();
        Assert.InRange(rdp, 2.949 * 0.995, 2.949 * 1.005);
        Assert.InRange(pld, 1.5, rdp);
    }

    [Fact]
    public void EpochsRoundStepsUp()
    {
        var (code, output, _) = Run("account --batch-size 100 --rows 1000 --epochs 0.25 --delta 1e-5 --noise-multiplier 5 --json");
        Assert.Equal(0, code);
        Assert.Equal(3, Json(output).GetProperty("steps").GetInt64()); // ceil(2.5)
    }

    [Theory]
    [InlineData("account --sample-rate 1.5 --noise-multiplier 1 --steps 10 --delta 1e-5", "--sample-rate")]
    [InlineData("account --sample-rate 0 --noise-multiplier 1 --steps 10 --delta 1e-5", "--sample-rate")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier 0 --steps 10 --delta 1e-5", "--noise-multiplier")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier -2 --steps 10 --delta 1e-5", "--noise-multiplier")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier 1 --steps 10 --delta 1", "--delta")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier 1 --steps 10 --delta 0", "--delta")]
    [InlineData("account --sample-rate 0.1 --target-epsilon 0 --steps 10 --delta 1e-5", "--target-epsilon")]
    [InlineData("account --sample-rate 0.1 --target-epsilon -1 --steps 10 --delta 1e-5", "--target-epsilon")]
    [InlineData("account --sample-rate abc --noise-multiplier 1 --steps 10 --delta 1e-5", "abc")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier 1 --steps ten --delta 1e-5", "ten")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier NaN --steps 10 --delta 1e-5", "NaN")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier 1 --steps 10", "--delta")]
    [InlineData("account --noise-multiplier 1 --steps 10 --delta 1e-5", "--sample-rate")]
    [InlineData("account --sample-rate 0.1 --steps 10 --delta 1e-5", "--noise-multiplier")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier 1 --target-epsilon 1 --steps 10 --delta 1e-5", "exactly one")]
    [InlineData("account --batch-size 10 --rows 5 --epochs 1 --noise-multiplier 1 --delta 1e-5", "--rows")]
    [InlineData("account --batch-size 10 --rows 100 --noise-multiplier 1 --delta 1e-5", "--epochs")]
    [InlineData("account --sample-rate 0.1 --steps 10 --batch-size 10 --rows 100 --epochs 1 --noise-multiplier 1 --delta 1e-5", "either")]
    [InlineData("account --sample-rate 0.1 --noise-multiplier 1 --steps 10 --delta 1e-5 --bogus 3", "--bogus")]
    public void ImpossibleInputIsOneLineExitTwo(string commandLine, string mentioned)
    {
        var (code, output, err) = Run(commandLine);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        string line = Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("dpsynth: ", line);
        Assert.Contains(mentioned, line);
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Usage", err);
    }

    [Fact]
    public void HelpShowsAnExample()
    {
        var (code, output, _) = Run("account --help");
        Assert.Equal(0, code);
        Assert.Contains("Example", output);
        Assert.Contains("dpsynth account --sample-rate", output);
        Assert.DoesNotContain("--timing", output);
        var (rootCode, rootHelp, _) = Run("--help");
        Assert.Equal(0, rootCode);
        Assert.Contains("account", rootHelp);
        Assert.Contains("Example", rootHelp);
    }

    [Fact]
    public void TimingFlagAddsFigures()
    {
        var (code, output, _) = Run("account --sample-rate 0.001 --noise-multiplier 1 --steps 1000 --delta 1e-5 --json --timing");
        Assert.Equal(0, code);
        var json = Json(output);
        Assert.True(json.GetProperty("pld_seconds").GetDouble() > 0);
        Assert.True(json.GetProperty("peak_rss_mb").GetDouble() > 0);
    }
}
