using DpSynth.Kernels;
using DpSynth.Kernels.Reference;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Tests.Nn;

/// <summary>
/// Every layer's backward against central finite differences of L = Σ R⊙y on the reference backend
/// (double accumulators, float storage). Each network is built from one kind of layer plus linear
/// layers around it, so a wrong backward in any layer moves some checked derivative by O(1).
/// </summary>
public class LayerGradientTests
{
    private const int Rows = 6;
    private const float Step = 1e-2f;

    public static TheoryData<string> Networks => new(TestNetworks.All.Keys);

    [Theory]
    [MemberData(nameof(Networks))]
    public void BackwardMatchesFiniteDifferences(string name)
    {
        using var backend = new ReferenceBackend();
        using var net = new Network(backend, TestNetworks.All[name](), Rows, workers: 1, seed: 3);
        var xHost = TestNetworks.Inputs(name, Rows, seed: 5);
        var x = TestNetworks.Upload(backend, xHost, Rows, TestNetworks.InputWidth);
        var r = TestNetworks.Uniform(Rows * TestNetworks.OutputWidth, seed: 9);
        var rTensor = TestNetworks.Upload(backend, r, Rows, TestNetworks.OutputWidth);
        var pass = new BatchPass(0, Rows, 1, 0, training: true, GradientMode.Direct, net.WorkerGradient(0), randomTag: 42);

        double Loss()
        {
            net.PrepareStep(training: false); // σ of spectral-norm layers from the current W, u and v fixed
            var y = TestNetworks.Download(net.Forward(x, pass));
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)r[i] * y[i];
            return sum;
        }

        Loss();
        backend.Fill(net.WorkerGradient(0), 0f);
        var dx = TestNetworks.Download(net.BackwardToInput(rTensor, pass));
        net.AccumulateGradients(pass, null);
        var gradient = TestNetworks.Download(net.WorkerGradient(0));

        var parameters = TestNetworks.Download(net.Parameters.Values);
        var rng = new System.Random(1);
        foreach (var p in net.Parameters.Items)
        {
            for (int k = 0; k < Math.Min(p.Length, 12); k++)
            {
                int j = p.Offset + (p.Length <= 12 ? k : rng.Next(p.Length));
                double numeric = Central(v => { var copy = (float[])parameters.Clone(); copy[j] += v; net.WriteParameters(copy); return Loss(); });
                net.WriteParameters(parameters);
                AssertClose(numeric, gradient[j], $"{name}: d/d{p.Name}[{j - p.Offset}]");
            }
        }
        for (int i = 0; i < xHost.Length; i++)
        {
            if (TestNetworks.IsIndexColumn(name, i % TestNetworks.InputWidth))
            {
                Assert.Equal(0f, dx[i]);
                continue;
            }
            double numeric = Central(v => { var copy = (float[])xHost.Clone(); copy[i] += v; backend.Upload(copy, x); return Loss(); });
            backend.Upload(xHost, x);
            AssertClose(numeric, dx[i], $"{name}: d/dx[{i / TestNetworks.InputWidth},{i % TestNetworks.InputWidth}]");
        }
    }

    [Fact]
    public void ReluBackwardMatchesFiniteDifferencesAwayFromTheKink()
    {
        using var backend = new ReferenceBackend();
        using var net = new Network(backend, [new ActivationLayer(Activation.ReLU, 4), new ActivationLayer(Activation.LeakyReLU, 4, 0.2f)], 3);
        // |x| ≥ 0.1 keeps x ± h on one side of the kink.
        var xHost = TestNetworks.Uniform(12, 2).Select(v => v >= 0 ? v + 0.1f : v - 0.1f).ToArray();
        var x = TestNetworks.Upload(backend, xHost, 3, 4);
        var r = TestNetworks.Uniform(12, 4);
        var pass = new BatchPass(0, 3, 1, 0, true, GradientMode.Direct, net.WorkerGradient(0));
        net.Forward(x, pass);
        var dx = TestNetworks.Download(net.BackwardToInput(TestNetworks.Upload(backend, r, 3, 4), pass));
        for (int i = 0; i < 12; i++)
        {
            double numeric = Central(v =>
            {
                var copy = (float[])xHost.Clone();
                copy[i] += v;
                backend.Upload(copy, x);
                var y = TestNetworks.Download(net.Forward(x, pass));
                return y.Select((value, k) => (double)value * r[k]).Sum();
            });
            AssertClose(numeric, dx[i], $"relu d/dx[{i}]");
        }
    }

    private static double Central(Func<float, double> lossAt) => (lossAt(Step) - lossAt(-Step)) / (2.0 * Step);

    private static void AssertClose(double numeric, double analytic, string what)
    {
        double tolerance = 2e-3 + 2e-2 * Math.Abs(analytic);
        Assert.True(Math.Abs(numeric - analytic) <= tolerance, $"{what}: numeric {numeric:G6} vs analytic {analytic:G6}");
    }
}
