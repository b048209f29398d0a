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
        if (!model.IsSymmetric && _directions.Length == 1) return Build(_settings, steps, _interval);
        if (!PldAccountant.SingleStepsFit([(model, step.Reps)], _interval, step.Tail)) return Build(_settings, steps, _interval);

        var next = new DirectionState[_directions.Length];
        var composed = new ComposedLoss[_directions.Length];
        for (int d = 0; d < _directions.Length; d++)
        {
            var state = _directions[d];
            var pmf = model.Discretise(_interval, state.Direction, step.Tail);
            var moments = state.Moments.Plus(pmf, step.Reps);
            var (lo, hi) = ChernoffWindow.Find(moments, _interval, _settings.TruncationMass / 2);
            if (hi - lo + 1 > state.Spectrum.Length) return Build(_settings, steps, _interval); // grow (or coarsen) and redo all
            var spectrum = (Complex[])state.Spectrum.Clone();
            PldAccountant.MultiplySpectrum(spectrum, pmf, step.Reps);
            double logFinite = state.LogFinite + step.Reps * MathNet.Numerics.SpecialFunctions.Log1p(-pmf.InfinityMass);
            next[d] = new DirectionState(state.Direction, spectrum, logFinite, moments);
            composed[d] = Finish(next[d], lo, _interval);
        }
        return new RunningComposition(_settings, steps, _interval, next, new PrivacyLossDistribution(_interval, composed));
    }

    private static double TailShare(PldAccountant settings, int index, long reps)
        => settings.TruncationMass / 4 / ((index + 1.0) * (index + 2.0)) / reps;

    /// <summary>Composes all the steps from scratch, coarsening the grid until every single step and the composed window fit.</summary>
    private static RunningComposition Build(PldAccountant settings, Step[] steps, double interval)
    {
        var directions = steps.All(s => s.Model.IsSymmetric) ? new[] { LossDirection.Remove } : [LossDirection.Remove, LossDirection.Add];
        while (true)
        {
            if (steps.Any(s => !PldAccountant.SingleStepsFit([(s.Model, s.Reps)], interval, s.Tail))) { interval *= 2; continue; }
            var states = new DirectionState[directions.Length];
            var windows = new (long Lo, long Hi)[directions.Length];
            bool fits = true;
            for (int d = 0; d < directions.Length && fits; d++)
            {
                var pmfs = steps.Select(s => (Pmf: s.Model.Discretise(interval, directions[d], s.Tail), s.Reps)).ToArray();
                var moments = ChernoffWindow.Moments.Empty;
                foreach (var (pmf, reps) in pmfs) moments = moments.Plus(pmf, reps);
                windows[d] = ChernoffWindow.Find(moments, interval, settings.TruncationMass / 2);
                long width = windows[d].Hi - windows[d].Lo + 1;
                if (width > PldAccountant.MaxGridSize) { fits = false; break; }
                var spectrum = new Complex[PldAccountant.FftSize(width)];
                Array.Fill(spectrum, Complex.One);
                var buffer = new Complex[spectrum.Length];
                double logFinite = 0;
                foreach (var (pmf, reps) in pmfs)
                {
                    PldAccountant.MultiplySpectrum(spectrum, pmf, reps, buffer);
                    logFinite += reps * MathNet.Numerics.SpecialFunctions.Log1p(-pmf.InfinityMass);
                }
                states[d] = new DirectionState(directions[d], spectrum, logFinite, moments);
            }
            if (!fits) { interval *= 2; continue; }
            var distribution = steps.Length == 0 ? null
                : new PrivacyLossDistribution(interval, states.Select((s, d) => Finish(s, windows[d].Lo, interval)).ToArray());
            return new RunningComposition(settings, steps, interval, states, distribution);
        }
    }

    private static ComposedLoss Finish(DirectionState state, long minIndex, double interval)
        => PldAccountant.FromSpectrum((Complex[])state.Spectrum.Clone(), minIndex, state.Moments.LogMgfUpper,
            state.Moments.SupportMax * interval, state.LogFinite, interval);
}
