using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Tests.Nn;

/// <summary>
/// A network built only to predict (a sampler's) holds no backward workspaces, predicts exactly
/// what the training network predicts, and refuses a backward pass instead of writing nowhere.
/// </summary>
public class PredictOnlyNetworkTests
{
    private static Layer[] Layers() =>
    [
        new ResidualConcat(12, 8), new ResidualConcat(20, 8), new Dropout(28, 0.1f, 9), new Linear(28, 5, Activation.SiLU),
    ];

    [Theory]
    [InlineData("simd")]
    [InlineData("ilgpu-cpu")] // the GPU backend's code path: workspaces of no rows must allocate there too
    public void APredictOnlyNetworkPredictsTheSameWithLessMemory(string backendName)
    {
        using var backend = BackendFactory.Create(backendName);
        using var training = new Network(backend, Layers(), 64, workers: 2, seed: 3);
        using var predicting = new Network(backend, Layers(), 64, workers: 2, seed: 3, training: false);
        var weights = new float[training.Parameters.Length];
        training.ReadParameters(weights);
        predicting.WriteParameters(weights);

        var random = new Random(5);
        var x = Enumerable.Range(0, 64 * 12).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        using var input = backend.Allocate(64, 12).Storage;
        backend.Upload(x, input.View(64, 12));
        var expected = new float[64 * 5];
        var actual = new float[64 * 5];
        backend.Download(training.Predict(input.View(64, 12)), expected);
        backend.Download(predicting.Predict(input.View(64, 12)), actual);

        Assert.Equal(expected, actual);
        Assert.True(predicting.WorkspaceFloats < 0.6 * training.WorkspaceFloats, $"{predicting.WorkspaceFloats} vs {training.WorkspaceFloats} workspace floats");
    }

    [Fact]
    public void APredictOnlyNetworkRefusesABackwardPass()
    {
        using var backend = new SimdBackend();
        using var predicting = new Network(backend, Layers(), 8, training: false);
        using var storage = backend.Allocate(8, 5).Storage;
        var pass = new BatchPass(0, 8, 1, 0, training: true, GradientMode.Direct, predicting.WorkerGradient(0), 0);
        Assert.Throws<InvalidOperationException>(() => predicting.Backward(storage.View(8, 5), pass));
    }

    [Fact]
    public void TheTableDiffusionDenoiserForSamplingHoldsLessThanHalfItsTrainingWorkspace()
    {
        using var backend = new SimdBackend();
        using var training = new Network(backend, TableDiffusionModel.Denoiser(179, TableDiffusionOptions.Default), 32);
        using var predicting = new Network(backend, TableDiffusionModel.Denoiser(179, TableDiffusionOptions.Default), 32, training: false);
        Assert.True(predicting.WorkspaceFloats < 0.5 * training.WorkspaceFloats, $"{predicting.WorkspaceFloats} vs {training.WorkspaceFloats} workspace floats");
    }
}
