using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth sample`: generates synthetic rows from a model file, in batches streamed to a CSV or Parquet file
/// (memory constant in the row count); `--shard i/n` produces the i-th of n disjoint row ranges.
/// </summary>
internal static class SampleCommand
{
    private const string Description = """
        Generate synthetic rows from a model file written by `dpsynth fit` (any generator kind:
        the file records which). Sampling is
        post-processing: it spends no privacy budget. Rows are generated in batches and streamed
        to the output, CSV, TSV or Parquet by its extension (one row group per batch). An output the
        free disk space cannot hold (estimated from the first batch) is refused before it is written. With --shard i/n only the i-th of n equal row ranges is produced, from
        its own part of the noise stream, so shards can run on separate machines and be
        concatenated (with a seed, the concatenation equals the unsharded output).

        Examples:
          dpsynth sample adult.dpsynth -o adult.synthetic.csv
          dpsynth sample adult.dpsynth --rows 1000000 --seed 3 --shard 0/4 -o part0.parquet
        """;

    public static Command Create()
    {
        var modelPath = new Argument<string>("MODEL") { Description = "Model file written by `dpsynth fit`." };
        var rows = NumberOptions.Long("--rows", "Rows to generate (all shards together); default: the row count the fit used (a DP count, or the count the schema declared public).");
        var output = OutputGuard.File(new Option<string>("--output", "-o") { Description = "Output file: .csv, .tsv or .parquet.", Required = true });
        var seed = NumberOptions.Long("--seed", "Seed of the sampling noise (reproducible); default: OS CSPRNG.");
        var shard = new Option<string?>("--shard") { Description = "i/n: produce shard i (0-based) of n." };
        var device = new Option<string>("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };

        var command = new Command("sample", Description) { modelPath, rows, output, seed, shard, device };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var (index, count) = ParseShard(parse.GetValue(shard));
            long? givenRows = parse.GetValue(rows);
            ulong? sampleSeed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null;
            if (givenRows is long g) new SampleRequest(g, sampleSeed, index, count).Validate();
            string outPath = parse.GetValue(output)!;
            TableFileType.FromExtension(outPath); // refuse an unknown output format before any work
            string path = parse.GetValue(modelPath)!;
            // Any registered kind, by the kind the file records. A bad file is refused with one line, exit 2.
            // Sampling is post-processing: the ledger is not read.
            var model = GeneratorRegistry.Load(path, readLedger: false);
            // Without --rows: the fit's DP (or declared public) row count — never the exact private N.
            long total = givenRows ?? model.Summary.RowCount
                ?? throw new CliInputException($"{path}: the model file records no row count (written by an older version); give --rows");
            var request = new SampleRequest(total, sampleSeed, index, count);
            request.Validate();
            using var backend = GeneratorRegistry.Get(model.Kind).UsesBackend ? BackendFactory.Create(parse.GetValue(device)!) : null;
            long written;
            try { written = TableWriter.Write(outPath, PrefetchedBatches.Ahead(model.Sample(request, backend)), request.EndRow - request.FirstRow, Interrupt.Token); }
            catch (IOException e) when (e is not InsufficientDiskSpaceException) { throw new CliInputException($"{outPath}: cannot write ({e.Message})"); }
            string part = count > 1 ? $" (shard {index}/{count}: rows {request.FirstRow}..{request.EndRow - 1})" : "";
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {written} rows{part} to {outPath} in {clock.Elapsed.TotalSeconds:0.00} s"));
            return 0;
        });
        return command;
    }

    internal static (int Index, int Count) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && i < n)
            return (i, n);
        throw new CliInputException($"--shard: '{text}' is not i/n with 0 <= i < n");
    }
}
