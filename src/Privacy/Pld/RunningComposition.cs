using System.Numerics;

namespace DpSynth.Privacy.Pld;

/// <summary>
/// A PLD composition that grows one stage at a time, for the privacy ledger: it keeps the product
/// of the stages' characteristic functions and the sums behind the Chernoff window, so adding a
/// stage discretises only that stage and costs one forward and one inverse FFT per direction —
/// instead of recomposing every earlier stage. It is immutable: <see cref="Plus"/> returns a new
/// composition, so a candidate stage can be priced and dropped without touching the current one.
/// <para>
/// The result is an upper bound for the same reasons as <see cref="PldAccountant"/>'s: each stage
/// is discretised pessimistically, tails cut from a stage go to +∞ (or up to its lowest grid
/// point), and the window's missed upper tail is bounded and added to +∞. Because later stages are
/// unknown when a stage is discretised, stage i (from 0) gets the tail share
/// truncation/(4·(i+1)(i+2)) spread over its repetitions — shares that sum to at most truncation/4
/// however many stages follow. The FFT only grows (and the grid only coarsens) when a new stage's
/// window needs it, in which case every stage is discretised again; the outcome depends only on
/// the sequence of stages, so replaying a ledger's stages reproduces its ε exactly.
/// </para>
/// <para>
/// Redoing every stage is what makes pricing a wide stage (DP-SGD) expensive, and the noise
/// calibration prices many candidates on the same composition. So a composition remembers the
/// product of its own stages' spectra at the grid and FFT size it was last regrown to, and a later
/// <see cref="Plus"/> that regrows to the same grid multiplies only the new stage's spectrum onto
/// it: the same multiplications in the same order, so the result is bit for bit what redoing
/// every stage gives.
/// </para>
/// </summary>
internal sealed class RunningComposition
{
    private sealed record Step(IPrivacyLossModel Model, long Reps, double Tail);

    /// <summary>One direction's state: the spectrum at the current FFT size, log P(finite), and the window moments.</summary>
    private sealed record DirectionState(LossDirection Direction, Complex[] Spectrum, double LogFinite, ChernoffWindow.Moments Moments);

    private readonly PldAccountant _settings;
    private readonly Step[] _steps;
    private readonly double _interval;
    private readonly DirectionState[] _directions;

    /// <summary>
    /// This composition's stages multiplied at another grid than its own, per direction: the latest one
    /// asked for (a calibration's candidates converge on one grid; keeping one bounds the memory to a
    /// spectrum per direction). See <see cref="ProductOfStages"/>.
    /// </summary>
    private readonly (double Interval, int Size, Complex[] Spectrum, double LogFinite)?[] _regrown = new (double, int, Complex[], double)?[2];

    private RunningComposition(PldAccountant settings, Step[] steps, double interval, DirectionState[] directions, PrivacyLossDistribution? distribution)
    {
        _settings = settings;
        _steps = steps;
        _interval = interval;
        _directions = directions;
        Distribution = distribution;
    }

    /// <summary>The composition of no stage.</summary>
    public static RunningComposition Empty(PldAccountant settings) => Build(settings, [], settings.DiscretisationInterval);

    /// <summary>The composed distribution; null when there is no stage.</summary>
    public PrivacyLossDistribution? Distribution { get; }

    /// <summary>ε at δ of the stages so far (0 when there is none).</summary>
    public double EpsilonAt(double delta) => Distribution?.EpsilonAt(delta) ?? 0;

    /// <summary>This composition followed by one more stage.</summary>
    public RunningComposition Plus(PrivacyCost cost)
    {
        cost.Validate();
        var model = cost.LossModel;
        var step = new Step(model, cost.Repetitions, TailShare(_settings, _steps.Length, cost.Repetitions));
        Step[] steps = [.. _steps, step];
        if (!model.IsSymmetric && _directions.Length == 1) return Build(_settings, steps, _interval, this);
        if (!PldAccountant.SingleStepsFit([(model, step.Reps)], _interval, step.Tail)) return Build(_settings, steps, _interval, this);

        // The directions' windows first (cheap), so that a stage that regrows is found before any FFT;
        // then the two directions' FFTs, independent of each other, on two cores.
        var pmfs = new LossPmf[_directions.Length];
        var moments = new ChernoffWindow.Moments[_directions.Length];
        var windows = new (long Lo, long Hi)[_directions.Length];
        for (int d = 0; d < _directions.Length; d++)
        {
            var state = _directions[d];
            pmfs[d] = model.Discretise(_interval, state.Direction, step.Tail);
            moments[d] = state.Moments.Plus(pmfs[d], step.Reps);
            windows[d] = ChernoffWindow.Find(moments[d], _interval, _settings.TruncationMass / 2);
            if (windows[d].Hi - windows[d].Lo + 1 > state.Spectrum.Length) return Build(_settings, steps, _interval, this); // grow (or coarsen) and redo all
        }
        var next = new DirectionState[_directions.Length];
        var composed = new ComposedLoss[_directions.Length];
        Parallel.For(0, _directions.Length, d =>
        {
            var state = _directions[d];
            var spectrum = (Complex[])state.Spectrum.Clone();
            PldAccountant.MultiplySpectrum(spectrum, pmfs[d], step.Reps);
            double logFinite = state.LogFinite + step.Reps * MathNet.Numerics.SpecialFunctions.Log1p(-pmfs[d].InfinityMass);
            next[d] = new DirectionState(state.Direction, spectrum, logFinite, moments[d]);
            composed[d] = Finish(next[d], windows[d].Lo, _interval);
        });
        return new RunningComposition(_settings, steps, _interval, next, new PrivacyLossDistribution(_interval, composed));
    }

    private static double TailShare(PldAccountant settings, int index, long reps)
        => settings.TruncationMass / 4 / ((index + 1.0) * (index + 2.0)) / reps;

    /// <summary>
    /// Composes all the steps from scratch, coarsening the grid until every single step and the composed
    /// window fit. With <paramref name="prefix"/> (whose stages are all of <paramref name="steps"/> but
    /// the last), the product of those stages comes from the prefix's remembered products where it has one.
    /// </summary>
    private static RunningComposition Build(PldAccountant settings, Step[] steps, double interval, RunningComposition? prefix = null)
    {
        var directions = steps.All(s => s.Model.IsSymmetric) ? new[] { LossDirection.Remove } : [LossDirection.Remove, LossDirection.Add];
        while (true)
        {
            if (steps.Any(s => !PldAccountant.SingleStepsFit([(s.Model, s.Reps)], interval, s.Tail))) { interval *= 2; continue; }
            var pmfs = new Lazy<(LossPmf Pmf, long Reps)[]>[directions.Length];
            var lastPmfs = new LossPmf[directions.Length]; // the new stage, discretised once per direction
            var moments = new ChernoffWindow.Moments[directions.Length];
            var windows = new (long Lo, long Hi)[directions.Length];
            bool fits = true;
            for (int d = 0; d < directions.Length && fits; d++)
            {
                var direction = directions[d];
                pmfs[d] = new Lazy<(LossPmf, long)[]>(() => Discretised(steps, interval, direction));
                // The prefix's stages at the prefix's own grid have the moments it keeps: only the new
                // stage needs discretising for the window (the others only if their product is not remembered).
                if (prefix?.MomentsAt(interval, direction) is { } known && steps.Length > 0)
                {
                    var last = steps[^1];
                    lastPmfs[d] = last.Model.Discretise(interval, direction, last.Tail);
                    moments[d] = known.Plus(lastPmfs[d], last.Reps);
                }
                else
                {
                    moments[d] = ChernoffWindow.Moments.Empty;
                    foreach (var (pmf, reps) in pmfs[d].Value) moments[d] = moments[d].Plus(pmf, reps);
                    if (steps.Length > 0) lastPmfs[d] = pmfs[d].Value[^1].Pmf;
                }
                windows[d] = ChernoffWindow.Find(moments[d], interval, settings.TruncationMass / 2);
                fits = windows[d].Hi - windows[d].Lo + 1 <= PldAccountant.MaxGridSize;
            }
            if (!fits) { interval *= 2; continue; }
            // Each direction's spectrum is its own work: the two run on two cores.
            var states = new DirectionState[directions.Length];
            var composed = new ComposedLoss[directions.Length];
            Parallel.For(0, directions.Length, d =>
            {
                int size = PldAccountant.FftSize(windows[d].Hi - windows[d].Lo + 1);
                var (spectrum, logFinite) = prefix is null || steps.Length == 0
                    ? Multiply(pmfs[d].Value, size)
                    : prefix.ProductOfStages(() => pmfs[d].IsValueCreated ? pmfs[d].Value[..^1] : Discretised(steps[..^1], interval, directions[d]),
                        interval, directions[d], size);
                if (prefix is not null && steps.Length > 0)
                {
                    var lastStep = steps[^1];
                    var pmf = lastPmfs[d];
                    PldAccountant.MultiplySpectrum(spectrum, pmf, lastStep.Reps);
                    logFinite += lastStep.Reps * MathNet.Numerics.SpecialFunctions.Log1p(-pmf.InfinityMass);
                }
                states[d] = new DirectionState(directions[d], spectrum, logFinite, moments[d]);
                if (steps.Length > 0) composed[d] = Finish(states[d], windows[d].Lo, interval);
            });
            var distribution = steps.Length == 0 ? null : new PrivacyLossDistribution(interval, composed);
            return new RunningComposition(settings, steps, interval, states, distribution);
        }
    }

    private static (LossPmf Pmf, long Reps)[] Discretised(Step[] steps, double interval, LossDirection direction)
        => steps.Select(s => (s.Model.Discretise(interval, direction, s.Tail), s.Reps)).ToArray();

    /// <summary>The window moments of this composition's stages in <paramref name="direction"/>, if it was composed at <paramref name="interval"/> in that direction.</summary>
    private ChernoffWindow.Moments? MomentsAt(double interval, LossDirection direction)
    {
        if (interval != _interval) return null;
        foreach (var state in _directions)
            if (state.Direction == direction) return state.Moments;
        return null;
    }

    /// <summary>The product of the stages' spectra at FFT size <paramref name="size"/>, multiplied from 1 in stage order, and log P(no stage hits +∞).</summary>
    private static (Complex[] Spectrum, double LogFinite) Multiply(ReadOnlySpan<(LossPmf Pmf, long Reps)> pmfs, int size)
    {
        var spectrum = new Complex[size];
        Array.Fill(spectrum, Complex.One);
        var buffer = new Complex[size];
        double logFinite = 0;
        foreach (var (pmf, reps) in pmfs)
        {
            PldAccountant.MultiplySpectrum(spectrum, pmf, reps, buffer);
            logFinite += reps * MathNet.Numerics.SpecialFunctions.Log1p(-pmf.InfinityMass);
        }
        return (spectrum, logFinite);
    }

    /// <summary>
    /// A fresh copy of this composition's stages multiplied at (Δ, direction, FFT size); <paramref name="pmfs"/>
    /// gives its stages discretised there, called only when the product is not remembered (discretisation
    /// is deterministic, so a remembered product is the same numbers).
    /// </summary>
    private (Complex[] Spectrum, double LogFinite) ProductOfStages(Func<(LossPmf Pmf, long Reps)[]> pmfs, double interval, LossDirection direction, int size)
    {
        int slot = (int)direction;
        lock (_regrown)
        {
            if (_regrown[slot] is { } known && known.Interval == interval && known.Size == size)
                return ((Complex[])known.Spectrum.Clone(), known.LogFinite);
        }
        var product = Multiply(pmfs(), size);
        lock (_regrown) _regrown[slot] = (interval, size, (Complex[])product.Spectrum.Clone(), product.LogFinite);
        return product;
    }

    private static ComposedLoss Finish(DirectionState state, long minIndex, double interval)
        => PldAccountant.FromSpectrum((Complex[])state.Spectrum.Clone(), minIndex, state.Moments.LogMgfUpper,
            state.Moments.SupportMax * interval, state.LogFinite, interval);
}
