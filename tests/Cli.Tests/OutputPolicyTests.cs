namespace DpSynth.Cli.Tests;

/// <summary>
/// One overwrite policy for every command: an output that is (or, for a directory, holds) one of the
/// command's inputs is refused, whatever the spelling of the path and even with --force; an output
/// that exists is refused unless --force is given.
/// </summary>
public sealed class OutputPolicyTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-outputs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    /// <summary>A private input in the test's directory, with its bytes for the "unchanged" check.</summary>
    private (string Path, byte[] Bytes) Input(string name = "t.csv")
    {
        string path = P(name);
        File.Copy(fixture.Table, path);
        return (path, File.ReadAllBytes(path));
    }

    [Fact]
    public void FitRefusesToWriteItsModelOverItsInputTable()
    {
        var (input, bytes) = Input();
        Refusal.OneLine(CliRunner.Run("fit", input, "--schema", fixture.Schema, "--epsilon", "1", "-o", input), "is an input of this command");
        Assert.Equal(bytes, File.ReadAllBytes(input));
    }

    [Fact]
    public void SchemaInferRefusesToWriteOverItsInputTable()
    {
        var (input, bytes) = Input();
        Refusal.OneLine(CliRunner.Run("schema", "infer", input, "-o", input), "is an input of this command");
        Assert.Equal(bytes, File.ReadAllBytes(input));
    }

    [Fact]
    public void AnOutputThatResolvesToAnInputThroughALinkOrDotsIsRefusedEvenWithForce()
    {
        var (input, bytes) = Input();
        Directory.CreateDirectory(P("sub"));
        string link = P("sub/alias.csv");
        File.CreateSymbolicLink(link, input);
        string linkedDir = P("linked");
        Directory.CreateSymbolicLink(linkedDir, _dir);
        foreach (var output in new[] { link, P("sub/../t.csv"), Path.Combine(linkedDir, "t.csv"), Path.GetRelativePath(Environment.CurrentDirectory, input) })
        {
            Refusal.OneLine(CliRunner.Run("schema", "infer", input, "-o", output, "--force"), "is an input of this command");
            Refusal.OneLine(CliRunner.Run("fit", input, "--schema", fixture.Schema, "--epsilon", "1", "-o", output, "--force"), "is an input of this command");
        }
        Assert.Equal(bytes, File.ReadAllBytes(input));
    }

    [Fact]
    public void SampleRefusesToWriteOverItsModelAndFitOverItsSchema()
    {
        string model = P("m.dpsynth"), schema = P("s.json");
        File.Copy(fixture.Model, model);
        File.Copy(fixture.Schema, schema);
        var modelBytes = File.ReadAllBytes(model);
        Refusal.OneLine(CliRunner.Run("sample", model, "--rows", "5", "-o", model, "--force"), "is an input");
        var (input, _) = Input();
        Refusal.OneLine(CliRunner.Run("fit", input, "--schema", schema, "--epsilon", "1", "-o", schema, "--force"), "is an input");
        Assert.Equal(modelBytes, File.ReadAllBytes(model));
        Assert.Equal(File.ReadAllBytes(fixture.Schema), File.ReadAllBytes(schema));
    }

    [Fact]
    public void TwinsReleaseRefusesADirectoryThatHoldsItsInputEvenWithForce()
    {
        var (input, bytes) = Input();
        Refusal.OneLine(CliRunner.Run("twins", "release", input, "--schema", fixture.Schema, "--epsilon", "1", "--copies", "2", "-o", _dir, "--force"), "holds an input");
        Refusal.OneLine(CliRunner.Run("twins", "release", input, "--schema", fixture.Schema, "--epsilon", "1", "--copies", "2", "-o", P("."), "--force"), "holds an input");
        Assert.Equal(bytes, File.ReadAllBytes(input));
    }

    [Fact]
    public void EveryCommandRefusesAnExistingOutputUnlessForced()
    {
        var (input, _) = Input();
        string existing = P("existing.out");
        var commands = new Func<string, string[]>[]
        {
            o => ["schema", "infer", input, "-o", o + ".json"],
            o => ["fit", input, "--schema", fixture.Schema, "--epsilon", "1", "--epochs", "1", "--device", "cpu", "-o", o + ".dpsynth"],
            o => ["sample", fixture.Model, "--rows", "5", "--device", "cpu", "-o", o + ".csv"],
        };
        foreach (var command in commands)
        {
            var args = command(existing);
            string output = args[^1];
            File.WriteAllText(output, "keep me");
            Refusal.OneLine(CliRunner.Run(args), "already exists; use --force");
            Assert.Equal("keep me", File.ReadAllText(output));
            var forced = CliRunner.Run([.. args, "--force"]);
            Assert.True(forced.Code == 0, forced.Err);
            Assert.NotEqual("keep me", File.ReadAllText(output));
        }
        Refusal.NoTemporaryFiles(_dir);
    }

    [Theory]
    [InlineData("schema", "infer")]
    [InlineData("fit")]
    [InlineData("sample")]
    [InlineData("demo")]
    [InlineData("twins", "release")]
    [InlineData("twins", "study")]
    public void EveryCommandThatWritesOffersForceAndStatesThePolicy(params string[] command)
    {
        var help = CliRunner.Run([.. command, "--help"]);
        Assert.Equal(0, help.Code);
        Assert.Contains("--force", help.Out);
        var root = CliRunner.Run("--help");
        Assert.Contains("never writes over one of its inputs", root.Out);
    }

    [Fact]
    public void EveryOutputOptionIsUnderThePolicy()
    {
        static IEnumerable<System.CommandLine.Command> All(System.CommandLine.Command c) => c.Subcommands.SelectMany(All).Prepend(c);
        var outputs = All(CommandLine.BuildRoot()).SelectMany(c => c.Options.Select(o => (Command: c.Name, Option: o)))
            .Where(x => x.Option.Name.StartsWith("--output", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(outputs);
        foreach (var (command, option) in outputs)
            Assert.True(OutputGuard.IsOutput(option), $"{command} {option.Name} is not marked with OutputGuard.File or OutputGuard.Directory");
    }

    [Fact]
    public void AnOutputInAMissingDirectoryOrNamingADirectoryIsRefusedBeforeAnyWork()
    {
        var (input, _) = Input();
        Refusal.OneLine(CliRunner.Run("schema", "infer", input, "-o", P("no/such/dir/s.json")), "does not exist");
        Refusal.OneLine(CliRunner.Run("fit", input, "--schema", fixture.Schema, "--epsilon", "1", "-o", _dir), "is a directory");
    }
}
