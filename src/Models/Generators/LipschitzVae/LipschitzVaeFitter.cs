using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// Fits the Lipschitz VAE through a <see cref="PrivacyPlan"/>, like every generator: the row count
/// (DP, or declared public), the encoder's private statistics from the preprocessing share, then
/// DP-SGD (Poisson-subsampled Gaussian, add/remove-one, σ calibrated for exactly the steps run) on the
/// whole VAE — encoder and decoder both depend on every record, so both are trained privately. After
/// training the encoder mean is frozen as a <see cref="CertifiedEncoder"/> projected onto L.
/// </summary>
public static class LipschitzVaeFitter
{
    /// <summary>Fits a model; the request and the table's columns have been checked by <see cref="Generator.Fit"/>.</summary>
    public static LipschitzVaeModel Fit(Table table, TableSchema schema, FitRequest request, LipschitzVaeOptions options, IComputeBackend backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        long start = Stopwatch.GetTimestamp();
        if (table.RowCount < 2) throw new ArgumentException($"{table.Source}: the Lipschitz VAE needs at least 2 rows");
        var plan = FitPlanning.Start(table, schema, request.Epsilon, request.Delta, request.Seed, new PlanShares { Preprocessing = options.PreprocessingShare });
        var ledger = plan.Ledger;
        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions
        {
            Numeric = NumericTransform.QuantileUniform,
            Epsilon = plan.PreprocessingEpsilon,
            Random = request.Seed is ulong seed ? new SeededRandomSource(seed ^ NoiseStreams.EncoderSalt) : null,
            SchemaFile = request.SchemaFile,
            Faults = request.Faults,
        }, ledger);
        _ = new InputBox(encoder); // the encoding must stay in the box the certificate assumes
        var encoded = encoder.Encode(table);
        double preprocessing = ledger.TotalEpsilon;
        int w = encoded.Width;

        using var weights = backend.Allocate(1, w).Storage;
        var weightView = weights.View(1, w);
        backend.Upload(MixedSpanLoss.NumericWeights(w, encoder.SoftmaxSpans), weightView);
        var loss = new MixedSpanLoss(weightView, encoder.SoftmaxSpans);

        var (q, steps) = plan.Sampling(options.ExpectedBatchSize, options.Epochs);
        double sigma = plan.TrainingNoiseMultiplier(q, steps);
        var composed = FitPlanning.ComposedProgress(plan, sigma, q, progress);
        var latentKey = (request.Seed is ulong k ? NoiseKey.FromSeed(k) : NoiseKey.CreateSecure()).WithStream(NoiseStreams.LvaeTrainingLatent);
        var (encoderLayers, layers) = LipschitzVaeNetwork.Training(w, options, latentKey);
        using var trainer = new DpSgdTrainer(backend, layers, new ArrayBatchSource(encoded.Data, w, encoded.Data, w), loss,
            new AdamOptimizer(new AdamParameters(LearningRate: options.LearningRate)),
            FitPlanning.TrainingOptions(plan, q, steps, sigma, options.ClipNorm, request.Seed), ledger) { Faults = request.Faults };
        double preprocessingSeconds = SecondsSince(start);
        long trainingStart = Stopwatch.GetTimestamp();
        var record = trainer.Train(composed, cancellation);
        var parameters = new float[trainer.Network.Parameters.Length];
        trainer.Network.ReadParameters(parameters);

        // The decoder's block is the tail of the flat vector (parameters are laid out in layer order, each padded).
        int decoderOffset = ((Linear)layers[encoderLayers.Length + 1]).Weight.Offset;
        var certified = Freeze(encoderLayers, parameters, options.Lipschitz);
        var summary = FitSummary.OfTraining(plan, record, preprocessing, new FitTimings(preprocessingSeconds, SecondsSince(trainingStart)));
        return new LipschitzVaeModel(options, encoder, schema, certified, parameters.AsSpan(decoderOffset).ToArray(), ledger, summary);
    }

    /// <summary>
    /// The released encoder mean: each layer's weights normalised by their exact spectral norm,
    /// W̄_l = W_l/‖W_l‖₂ (training divided by the power-iteration estimate σ̂_l ≤ ‖W_l‖₂ instead), with the
    /// trained biases and the scale s = L; the certificate is then computed on the stored float32 W̄_l
    /// and s projected down until the certified L_μ ≤ L.
    /// </summary>
    internal static CertifiedEncoder Freeze(IReadOnlyList<SpectralNormLinear> layers, float[] parameters, double lipschitz)
    {
        var frozen = layers.Select(l =>
        {
            var weight = parameters.AsSpan(l.Weight.Offset, l.Weight.Length).ToArray();
            double norm = ExactSpectralNorm.UpperBound(weight, l.Outputs, l.Inputs);
            if (norm > 0) for (int i = 0; i < weight.Length; i++) weight[i] = (float)(weight[i] / norm);
            var bias = l.Bias is { } b ? parameters.AsSpan(b.Offset, b.Length).ToArray() : new float[l.Outputs];
            return new EncoderLayer(weight, bias, l.Inputs, l.Outputs, Relu: l != layers[^1]);
        }).ToArray();
        return new CertifiedEncoder(frozen, lipschitz).ProjectedTo(lipschitz);
    }

    private static double SecondsSince(long start) => Stopwatch.GetElapsedTime(start).TotalSeconds;
}
