using DpSynth.Kernels;
using DpSynth.Models.Generators.Dpvi;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Many independent stimulus generators G_l held side by side, one per lane: each is its own MLP
/// z (latent) → hidden tanh → output limit·tanh, with its own weights and Adam state. Each lane's
/// weights, gradient and Adam moments are one row of an L × P tensor, so a lane is re-initialised or
/// stepped on its own. Each lane's products are small GEMMs through the backend (split over cores once
/// per step on CPU backends); the activations' forward/backward run once over all lanes, and the
/// generated rows form one L × width batch that the teacher processes in a single pass.
/// </summary>
internal sealed class GeneratorLanes : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly List<TensorStorage> _owned = [];
    private readonly Tensor _parameters, _gradients, _m, _v, _z, _hidden, _dHidden, _dPre1, _y, _dY, _dPre2;
    private readonly LaneViews[] _lanes;
    private readonly int[] _steps;
    private readonly AdamParameters _adam;
    private readonly int _workers;
    private readonly float _limit;

    private sealed record LaneViews(Tensor W1, Tensor B1, Tensor W2, Tensor B2, Tensor GW1, Tensor GB1, Tensor GW2, Tensor GB2,
        Tensor Parameters, Tensor Gradient, Tensor M, Tensor V, Tensor Z, Tensor Hidden, Tensor DHidden, Tensor DPre1, Tensor DPre2);

    /// <summary>Allocates <paramref name="lanes"/> generators latent → hidden → width on <paramref name="backend"/>.</summary>
    public GeneratorLanes(IComputeBackend backend, int lanes, int latent, int hidden, int width, float limit, float learningRate, int workers)
    {
        _backend = backend;
        Lanes = lanes;
        Latent = latent;
        Hidden = hidden;
        Width = width;
        _limit = limit;
        _adam = new AdamParameters(LearningRate: learningRate);
        _workers = Math.Max(1, workers);
        ParametersPerLane = hidden * latent + hidden + width * hidden + width;
        _parameters = Own(lanes, ParametersPerLane);
        _gradients = Own(lanes, ParametersPerLane);
        _m = Own(lanes, ParametersPerLane);
        _v = Own(lanes, ParametersPerLane);
        _z = Own(lanes, latent);
        _hidden = Own(lanes, hidden);
        _dHidden = Own(lanes, hidden);
        _dPre1 = Own(lanes, hidden);
        _y = Own(lanes, width);
        _dY = Own(lanes, width);
        _dPre2 = Own(lanes, width);
        Output = Own(lanes, width);
        _steps = new int[lanes];
        _lanes = new LaneViews[lanes];
        for (int l = 0; l < lanes; l++)
        {
            var p = _parameters.SliceRows(l, 1).Reshape(ParametersPerLane, 1);
            var g = _gradients.SliceRows(l, 1).Reshape(ParametersPerLane, 1);
            Tensor Part(Tensor flat, int offset, int rows, int cols) => flat.SliceRows(offset, rows * cols).Reshape(rows, cols);
            int b1 = hidden * latent, w2 = b1 + hidden, b2 = w2 + width * hidden;
            _lanes[l] = new LaneViews(
                Part(p, 0, hidden, latent), Part(p, b1, 1, hidden), Part(p, w2, width, hidden), Part(p, b2, 1, width),
                Part(g, 0, hidden, latent), Part(g, b1, 1, hidden), Part(g, w2, width, hidden), Part(g, b2, 1, width),
                p, g, _m.SliceRows(l, 1).Reshape(ParametersPerLane, 1), _v.SliceRows(l, 1).Reshape(ParametersPerLane, 1),
                _z.SliceRows(l, 1), _hidden.SliceRows(l, 1), _dHidden.SliceRows(l, 1), _dPre1.SliceRows(l, 1), _dPre2.SliceRows(l, 1));
        }
    }

    private Tensor Own(int rows, int cols)
    {
        var t = _backend.Allocate(rows, cols);
        _owned.Add(t.Storage);
        return t;
    }

    /// <summary>
    /// Factor on the output layer's initial weights (1: PyTorch's default). Smaller factors start the
    /// generators nearer the middle of the input space; on the apnea study that made students worse.
    /// </summary>
    public double OutputInitScale { get; init; } = 1;

    /// <summary>Number of lanes L.</summary>
    public int Lanes { get; }

    /// <summary>Latent width of z.</summary>
    public int Latent { get; }

    /// <summary>Hidden width.</summary>
    public int Hidden { get; }

    /// <summary>Output width (the teacher's input width).</summary>
    public int Width { get; }

    /// <summary>Weights per generator.</summary>
    public int ParametersPerLane { get; }

    /// <summary>The generated rows G_l(z_l), L × width, valid after <see cref="Forward"/>.</summary>
    public Tensor Output { get; }

    /// <summary>Fresh weights (U(±1/√fan-in), PyTorch's default) and zero Adam state for lane <paramref name="lane"/>.</summary>
    public void Reinitialise(int lane, ChaChaUniforms random)
    {
        var host = new float[ParametersPerLane];
        int b1 = Hidden * Latent, w2 = b1 + Hidden;
        for (int i = 0; i < host.Length; i++)
        {
            double bound = i < w2 ? 1 / Math.Sqrt(Latent) : OutputInitScale / Math.Sqrt(Hidden);
            host[i] = (float)((2 * random.Next() - 1) * bound);
        }
        var views = _lanes[lane];
        _backend.Upload(host, views.Parameters);
        _backend.Fill(views.M, 0);
        _backend.Fill(views.V, 0);
        _steps[lane] = 0;
    }

    /// <summary>Sets lane <paramref name="lane"/>'s latent z to standard normal draws.</summary>
    public void DrawLatent(int lane, ChaChaUniforms random)
    {
        var z = new float[Latent];
        for (int i = 0; i < z.Length; i++) z[i] = (float)random.Normal();
        _backend.Upload(z, _lanes[lane].Z);
    }

    /// <summary>Computes every lane's output row into <see cref="Output"/>.</summary>
    public void Forward()
    {
        PerLane(l =>
        {
            var v = _lanes[l];
            _backend.Gemm(v.Z, false, v.W1, true, v.Hidden, 1f, 0f, new GemmEpilogue(v.B1, Activation.Tanh));
            _backend.Gemm(v.Hidden, false, v.W2, true, _y.SliceRows(l, 1), 1f, 0f, new GemmEpilogue(v.B2, Activation.Tanh));
        });
        _backend.Copy(_y, Output);
        _backend.Scale(Output, _limit);
    }

    /// <summary>
    /// Back-propagates <paramref name="dOutput"/> (L × width, the loss gradient w.r.t. <see cref="Output"/>)
    /// into the weights of the lanes marked in <paramref name="update"/> and takes one Adam step on each.
    /// Rows of lanes not marked are ignored.
    /// </summary>
    public void Step(Tensor dOutput, bool[] update)
    {
        // d(limit·tanh(a))/da = limit·(1 − y²): both activations' backward passes run once over all lanes.
        _backend.Copy(dOutput, _dY);
        _backend.Scale(_dY, _limit);
        _backend.ActivationBackward(Activation.Tanh, _y, _y, _dY, _dPre2);
        PerLane(l =>
        {
            if (!update[l]) return;
            var v = _lanes[l];
            _backend.Gemm(v.DPre2, true, v.Hidden, false, v.GW2);
            _backend.Copy(v.DPre2, v.GB2);
            _backend.Gemm(v.DPre2, false, v.W2, false, v.DHidden);
        });
        _backend.ActivationBackward(Activation.Tanh, _hidden, _hidden, _dHidden, _dPre1);
        PerLane(l =>
        {
            if (!update[l]) return;
            var v = _lanes[l];
            _backend.Gemm(v.DPre1, true, v.Z, false, v.GW1);
            _backend.Copy(v.DPre1, v.GB1);
            _backend.AdamStep(v.Parameters, v.Gradient, v.M, v.V, _adam, ++_steps[l]);
        });
    }

    // Lanes are independent: on CPU backends they are split over cores once per call.
    private void PerLane(Action<int> body) =>
        RowPartition.For(Lanes, 4.0 * Width * Hidden, 200_000, (_, start, count) =>
        {
            for (int l = start; l < start + count; l++) body(l);
        }, _workers);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _owned) s.Dispose();
        _owned.Clear();
    }
}
