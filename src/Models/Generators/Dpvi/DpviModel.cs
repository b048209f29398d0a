using System.Text.Json.Nodes;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>
/// A fitted DPVI twin generator: the public schema, the hyper-parameters, the outcome, the
/// mean-field Gaussian variational posterior q(θ) = N(μ, softplus(ρ)²) and the privacy ledger of
/// the fit. Each synthetic copy draws its own θ⁽ᵐ⁾ ~ q, so the variation between copies carries the
/// posterior's parameter uncertainty (what Rubin's rules for synthetic data need).
/// </summary>
public sealed class DpviModel : FittedModel
{
    /// <summary>The model kind written into model files.</summary>
    public const string KindName = "dpvi";

    private const string MeanTensor = "variational.mu", RhoTensor = "variational.rho";

    /// <summary>The ChaCha20 stream of a copy's posterior draw θ⁽ᵐ⁾ (element m·P + j is coordinate j of copy m).</summary>
    public const ulong PosteriorStream = 0x4450564950000000UL; // "DPVIP"

    /// <summary>The first ChaCha20 stream of the copies' rows (copy m uses this + m).</summary>
    public const ulong RowStream = 0x4450564952000000UL; // "DPVIR"

    /// <summary>
    /// Rows per block of the row stream: global rows b·R .. (b+1)·R − 1 draw from ChaCha20 blocks
    /// b·2³² on of their copy's stream, so any row range (a shard, a batch) is sampled without the
    /// rows before its block, and ranges concatenate to the whole.
    /// </summary>
    internal const int RowsPerBlock = 1024;

    /// <summary>Creates a model from its parts, checking the parameter counts against the layout the schema gives.</summary>
    /// <exception cref="ArgumentException">The parts do not fit together.</exception>
    public DpviModel(TableSchema schema, DpviOptions options, string? outcome, DpviOutcomeFamily? family, float[] mean, float[] rho,
        PrivacyLedger? ledger, FitSummary? summary = null, long averagedIterates = 0, string schemaFile = "schema")
    {
        Layout = DpviLayout.Create(schema, outcome, family, options, schemaFile);
        if (mean.Length != Layout.ParameterCount || rho.Length != Layout.ParameterCount)
            throw new ArgumentException($"the DPVI model has {Layout.ParameterCount} parameters but the posterior holds {mean.Length} means and {rho.Length} scales");
        for (int j = 0; j < mean.Length; j++)
            if (!float.IsFinite(mean[j]) || !float.IsFinite(rho[j])) throw new ArgumentException($"the DPVI posterior holds a non-finite value at parameter {j}");
        Schema = schema;
        Options = options;
        Mean = mean;
        Rho = rho;
        Ledger = ledger;
        Summary = summary ?? new FitSummary { Epsilon = ledger?.TotalEpsilon ?? 0, Delta = ledger?.Budget.Delta ?? 0 };
        AveragedIterates = averagedIterates;
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override string Description => Layout.Outcome is { } y
        ? $"{KindName} (K = {Options.Components}, {FamilyName(y.Family)} outcome {y.Name})"
        : $"{KindName} (K = {Options.Components}, no outcome)";

    /// <inheritdoc />
    public override bool CopiesFromOneModel => false;

    /// <inheritdoc />
    public override IReadOnlyList<ColumnDomain> Domains => Layout.Columns.Select(name =>
    {
        if (Layout.Outcome is { } o && o.Name == name)
            return new ColumnDomain(name, o.Kind, o.Levels is null ? o.Min : double.NaN, o.Levels is null ? o.Max : double.NaN, o.Levels, false);
        var c = Layout.Covariates.First(c => c.Name == name);
        if (!c.IsCategorical) return new ColumnDomain(name, c.Kind, c.Min, c.Max, null, false);
        // The missing level is written as a missing cell, not as a category.
        return new ColumnDomain(name, c.Kind, double.NaN, double.NaN, c.HasMissingLevel ? c.Levels!.SkipLast(1).ToArray() : c.Levels, c.HasMissingLevel);
    }).ToArray();

    /// <inheritdoc />
    public override TableSchema Schema { get; }

    /// <summary>Hyper-parameters.</summary>
    public DpviOptions Options { get; }

    /// <summary>The parameter layout (covariates, outcome, regression).</summary>
    public DpviLayout Layout { get; }

    /// <summary>Posterior means μ (P).</summary>
    public float[] Mean { get; }

    /// <summary>Posterior scales ρ (P): sd = softplus(ρ).</summary>
    public float[] Rho { get; }

    /// <summary>The privacy ledger of the fit.</summary>
    public override PrivacyLedger? Ledger { get; }

    /// <inheritdoc />
    public override FitSummary Summary { get; }

    /// <summary>How many of the last iterates were averaged into the released posterior (Polyak tail averaging; 1: the last iterate).</summary>
    public long AveragedIterates { get; }

    /// <summary>
    /// Draws θ⁽ᵐ⁾ ~ q for copy <paramref name="copyIndex"/>: coordinate j is μⱼ + softplus(ρⱼ)·z with
    /// z element m·P + j of the posterior stream of the key (seeded, or from the OS CSPRNG).
    /// </summary>
    public double[] PosteriorDraw(int copyIndex, NoiseKey key)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(copyIndex);
        int p = Layout.ParameterCount;
        var z = new float[p];
        GaussianStream.Fill(key.WithStream(PosteriorStream), (ulong)copyIndex * (ulong)p, z);
        var theta = new double[p];
        for (int j = 0; j < p; j++) theta[j] = Mean[j] + DpviMath.Softplus(Rho[j]) * z[j];
        return theta;
    }

    /// <summary>
    /// Synthetic copy <paramref name="copyIndex"/> (0-based): its own posterior draw θ⁽ᵐ⁾ ~ q, then
    /// <paramref name="rows"/> rows — component z ~ Cat(π), covariates from component z, outcome
    /// from the regression. Deterministic given <paramref name="seed"/> (different copies differ);
    /// without a seed every call draws from a fresh CSPRNG key. Post-processing: costs no budget.
    /// The same rows as <see cref="Sample(SampleRequest, IComputeBackend, int)"/> with draw <paramref name="copyIndex"/>, in one table.
    /// </summary>
    /// <returns>A table with the schema's modelled columns, in schema order.</returns>
    public Table SampleCopy(int rows, int copyIndex, ulong? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var key = seed is ulong s ? NoiseKey.FromSeed(s) : NoiseKey.CreateSecure();
        return Sample(PosteriorDraw(copyIndex, key), 0, rows, key.WithStream(RowStream + (ulong)copyIndex));
    }

    /// <summary>
    /// The request's shard from posterior draw <see cref="SampleRequest.Draw"/>, in batches ending on
    /// row-block boundaries. Runs on the host CPU (the backend is not used).
    /// </summary>
    public override IEnumerable<Table> Sample(SampleRequest request, IComputeBackend? backend, int batchRows = 2048)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (batchRows < 1) throw new ArgumentOutOfRangeException(nameof(batchRows), batchRows, "batches need at least one row");
        return Batches(request, batchRows);
    }

    private IEnumerable<Table> Batches(SampleRequest request, int batchRows)
    {
        var key = request.Seed is ulong s ? NoiseKey.FromSeed(s) : NoiseKey.CreateSecure();
        var theta = PosteriorDraw(request.Draw, key);
        var rowKey = key.WithStream(RowStream + (ulong)request.Draw);
        long span = Math.Max(1, batchRows / RowsPerBlock) * (long)RowsPerBlock;
        for (long start = request.FirstRow; start < request.EndRow;)
        {
            // Batches end on block boundaries, so only a shard's first batch may start inside a block.
            long end = Math.Min(request.EndRow, (start / span + 1) * span);
            yield return Sample(theta, start, (int)(end - start), rowKey);
            start = end;
        }
    }

    /// <summary>
    /// Global rows first .. first + rows − 1 from θ. Each row block draws from its own part of the
    /// row stream; rows of the first block before <paramref name="first"/> are drawn and dropped so
    /// that every row gets the same draws whatever range it is sampled in.
    /// </summary>
    private Table Sample(ReadOnlySpan<double> theta, long first, int rows, NoiseKey rowKey)
    {
        var layout = Layout;
        var parameters = new DpviParameters(layout);
        parameters.Set(theta);
        int k = layout.Components, cols = layout.Covariates.Count;
        var codes = new int[cols][];
        var values = new double[cols][];
        for (int j = 0; j < cols; j++)
        {
            codes[j] = new int[rows];
            values[j] = new double[rows];
        }
        var outcome = new double[layout.Outcome is null ? 0 : rows];
        Span<int> rowCodes = stackalloc int[cols];
        Span<double> rowValues = stackalloc double[cols];
        var random = new ChaChaUniforms(rowKey);
        long blockStart = rows == 0 ? first : first / RowsPerBlock * RowsPerBlock;
        for (long g = blockStart; g < first + rows; g++)
        {
            if (g % RowsPerBlock == 0 || g == blockStart) random = new ChaChaUniforms(rowKey, (ulong)(g / RowsPerBlock) << 32);
            // Rows before the range are drawn into row 0's slot and overwritten by it.
            int i = (int)Math.Max(0, g - first);
            int z = random.Categorical(parameters.Weights);
            for (int j = 0; j < cols; j++)
            {
                var c = layout.Covariates[j];
                if (c.IsCategorical)
                {
                    int l = c.LevelCount;
                    rowCodes[j] = codes[j][i] = random.Categorical(parameters.Probabilities[j].AsSpan(z * l, l));
                }
                else
                {
                    double v = parameters.Means[j]![z] + Math.Exp(parameters.LogSds[j]![z]) * random.Normal();
                    values[j][i] = c.Destandardise(v);
                    rowValues[j] = c.Standardise(values[j][i]);
                    if (c.Kind == ColumnKind.Integer) values[j][i] = Math.Round(values[j][i], MidpointRounding.AwayFromZero);
                }
            }
            if (layout.Outcome is { } o)
            {
                double eta = parameters.LinearPredictor(rowCodes, rowValues);
                outcome[i] = o.Family == DpviOutcomeFamily.Poisson
                    ? Math.Clamp(random.Poisson(Math.Min(Math.Exp(Math.Min(eta, DpviObjective.MaxLogRate)), MaxRate(o))), o.Min, o.Max)
                    : random.Next() <= DpviMath.Sigmoid(eta) ? 1 : 0;
            }
        }

        var columns = new List<TableColumn>();
        foreach (string name in layout.Columns)
        {
            if (layout.Outcome is { } o && o.Name == name)
            {
                columns.Add(o.Family == DpviOutcomeFamily.Poisson
                    ? new NumericColumn(name, o.Kind, outcome, rows)
                    : new CategoricalColumn(name, o.Kind, outcome.Select(v => (int)v).ToArray(), rows, o.Levels!));
                continue;
            }
            int j = IndexOf(name);
            var c = layout.Covariates[j];
            if (!c.IsCategorical)
            {
                columns.Add(new NumericColumn(name, c.Kind, values[j], rows));
                continue;
            }
            var levels = c.Levels!.ToArray();
            var column = codes[j];
            if (c.HasMissingLevel)
            {
                // The missing category is written as a missing cell.
                int missing = c.LevelCount - 1;
                for (int i = 0; i < rows; i++) if (column[i] == missing) column[i] = -1;
                levels = levels[..^1];
            }
            columns.Add(new CategoricalColumn(name, c.Kind, column, rows, levels));
        }
        return new Table("dpvi twin", columns);
    }

    // Counts are clamped to the public maximum anyway; without one, the rate is capped so that a
    // wild posterior draw cannot stall the sampler.
    private static double MaxRate(DpviOutcome o) => double.IsFinite(o.Max) ? o.Max + 10 * Math.Sqrt(o.Max) + 50 : 1e5;

    private int IndexOf(string name)
    {
        for (int j = 0; j < Layout.Covariates.Count; j++) if (Layout.Covariates[j].Name == name) return j;
        throw new InvalidOperationException($"column {name} is not in the layout");
    }

    /// <summary>Saves the model (schema, hyper-parameters, outcome, layout, μ and ρ, ledger) through a temporary file renamed on success.</summary>
    public override void Save(string path)
    {
        var hyper = Options.ToJson();
        hyper["outcome"] = Layout.Outcome?.Name;
        hyper["family"] = Layout.Outcome is { } o ? FamilyName(o.Family) : null;
        hyper["layout"] = Layout.ToJson();
        hyper["posterior"] = "mean-field Gaussian: theta_j ~ N(mu_j, softplus(rho_j)^2); each released copy draws its own theta";
        var training = Summary.ToJson();
        training["averaged_iterates"] = AveragedIterates;
        training["reparameterisation"] = "one draw eta ~ N(0, I) per step, theta = mu + softplus(rho) * eta";
        hyper["training"] = training;
        int p = Layout.ParameterCount;
        ModelFile.Save(path, new ModelFileContent(KindName, hyper, [new ModelTensor(MeanTensor, [p], Mean), new ModelTensor(RhoTensor, [p], Rho)])
        {
            Schema = Schema,
            Ledger = Ledger,
        });
    }

    /// <summary>The CLI/JSON name of a family: "poisson" or "logistic".</summary>
    public static string FamilyName(DpviOutcomeFamily family) => family == DpviOutcomeFamily.Poisson ? "poisson" : "logistic";

    /// <summary>Parses "poisson" or "logistic"; throws <see cref="FormatException"/> otherwise.</summary>
    public static DpviOutcomeFamily ParseFamily(string text) => text switch
    {
        "poisson" => DpviOutcomeFamily.Poisson,
        "logistic" => DpviOutcomeFamily.Logistic,
        _ => throw new FormatException($"'{text}' is not a DPVI outcome family (poisson or logistic)"),
    };

    /// <summary>Loads a model, checking that the file is a DPVI model and that its posterior fits the layout its schema gives.</summary>
    /// <exception cref="ModelFileException">The file is missing, damaged, tampered, of another kind or inconsistent.</exception>
    public static DpviModel Load(string path)
    {
        var content = ModelFile.Load(path);
        if (content.ModelKind != KindName)
            throw new ModelFileException(path, $"holds a '{content.ModelKind}' model, not '{KindName}'");
        return FromContent(content, path);
    }

    /// <summary>The model a DPVI model file holds, checked against the layout its schema gives.</summary>
    /// <exception cref="ModelFileException">The content is incomplete or inconsistent.</exception>
    internal static DpviModel FromContent(ModelFileContent content, string path)
    {
        if (content.Schema is null) throw new ModelFileException(path, "holds no schema");
        var hyper = content.HyperParameters;
        try
        {
            var options = DpviOptions.FromJson(hyper);
            string? outcome = hyper["outcome"] is JsonValue ov && ov.TryGetValue(out string? os) ? os : null;
            DpviOutcomeFamily? family = hyper["family"] is JsonValue fv && fv.TryGetValue(out string? fs) && fs is not null ? ParseFamily(fs) : null;
            var mean = content.Tensors.FirstOrDefault(t => t.Name == MeanTensor) ?? throw new ModelFileException(path, $"has no tensor '{MeanTensor}'");
            var rho = content.Tensors.FirstOrDefault(t => t.Name == RhoTensor) ?? throw new ModelFileException(path, $"has no tensor '{RhoTensor}'");
            var training = hyper["training"] as JsonObject;
            long averaged = training?["averaged_iterates"] is JsonValue av && av.TryGetValue(out long a) ? a : 0;
            var model = new DpviModel(content.Schema, options, outcome, family, mean.Data, rho.Data, content.Ledger,
                FitSummary.FromJson(training, content.Ledger), averaged, path + "#schema");
            if (hyper["layout"] is not JsonObject layout || layout["parameters"] is not JsonValue pv || !pv.TryGetValue(out int declared) || declared != model.Layout.ParameterCount)
                throw new ModelFileException(path, $"the recorded layout does not match the {model.Layout.ParameterCount} parameters its schema gives");
            return model;
        }
        catch (FormatException e) { throw new ModelFileException(path, e.Message, e); }
        catch (ArgumentException e) { throw new ModelFileException(path, e.Message, e); }
    }
}
