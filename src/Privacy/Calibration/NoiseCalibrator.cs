using DpSynth.Privacy.Pld;
using DpSynth.Privacy.Rdp;

namespace DpSynth.Privacy.Calibration;

/// <summary>Which accountant turns a noise multiplier into ε.</summary>
public enum AccountantKind
{
    /// <summary>Rényi DP with the Opacus order grid (<see cref="RdpAccountant"/>).</summary>
    Rdp,
    /// <summary>Privacy loss distributions (<see cref="PldAccountant"/>); tighter.</summary>
    Pld,
}

/// <summary>
/// Noise calibration for DP-SGD: the smallest noise multiplier σ for which the
/// Poisson-subsampled Gaussian with rate q run for the given number of steps is (ε, δ)-DP,
/// found by a bracketing search on log σ (ε is decreasing in σ). The returned σ always meets
/// the target: the search keeps the upper end of the bracket, whose ε has been checked.
/// </summary>
public static class NoiseCalibrator
{
    /// <summary>Relative bracket width at which the search stops: the result is within this factor of the smallest σ.</summary>
    public const double RelativeTolerance = 1e-5;

    /// <summary>ε at δ for a given noise multiplier, by the chosen accountant.</summary>
    /// <param name="accountant">RDP or PLD.</param>
    /// <param name="sampleRate">q ∈ (0, 1].</param>
    /// <param name="noiseMultiplier">σ &gt; 0.</param>
    /// <param name="steps">Steps actually run, ≥ 1.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <param name="pld">PLD accountant settings; defaults when null.</param>
    public static double Epsilon(AccountantKind accountant, double sampleRate, double noiseMultiplier, long steps, double delta,
        PldAccountant? pld = null)
        => accountant == AccountantKind.Rdp
            ? RdpAccountant.Epsilon(sampleRate, noiseMultiplier, steps, delta).Epsilon
            : (pld ?? new PldAccountant()).Epsilon(sampleRate, noiseMultiplier, steps, delta, estimateError: false).Epsilon;

    /// <summary>The smallest noise multiplier meeting (ε, δ) for rate q over the given steps.</summary>
    /// <param name="accountant">RDP or PLD.</param>
    /// <param name="sampleRate">q ∈ (0, 1].</param>
    /// <param name="steps">Steps that will be run, ≥ 1.</param>
    /// <param name="targetEpsilon">ε &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <param name="pld">PLD accountant settings; defaults when null.</param>
    public static double NoiseMultiplier(AccountantKind accountant, double sampleRate, long steps, double targetEpsilon, double delta,
        PldAccountant? pld = null)
    {
        CostValidation.SampleRate(sampleRate);
        CostValidation.Steps(steps);
        CostValidation.Positive(targetEpsilon, "target epsilon");
        CostValidation.Delta(delta);
        pld ??= new PldAccountant();
        // PLD ε ≤ RDP ε, so the cheap RDP answer is a good upper end for the PLD search.
        double start = accountant == AccountantKind.Pld
            ? Solve(sigma => Epsilon(AccountantKind.Rdp, sampleRate, sigma, steps, delta), targetEpsilon)
            : 1;
        return Solve(sigma => Epsilon(accountant, sampleRate, sigma, steps, delta, pld), targetEpsilon, start);
    }

    /// <summary>
    /// Smallest σ (to <see cref="RelativeTolerance"/>, or until ε(σ) is within 1e-7 of the target)
    /// with ε(σ) ≤ target, for ε decreasing in σ. Brackets from <paramref name="start"/>, then runs
    /// the Illinois variant of regula falsi on log ε against log σ — nearly linear, so it needs a
    /// handful of accountant calls where bisection needs ~17 (this matters for the PLD). The
    /// returned end of the bracket always has ε ≤ target.
    /// </summary>
    internal static double Solve(Func<double, double> epsilonOf, double target, double start = 1)
    {
        double hi = start, eHi = epsilonOf(hi);
        while (eHi > target)
        {
            hi *= 2;
            if (hi > 1e6)
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"the budget left for training (epsilon {target:G3}) is too small: no noise multiplier up to 1e6 reaches it; raise epsilon or train for fewer epochs"));
            eHi = epsilonOf(hi);
        }
        double lo = hi, eLo = eHi;
        while (eLo <= target)
        {
            hi = lo; eHi = eLo;
            lo *= 0.7;
            if (lo < 1e-4) return hi;
            eLo = epsilonOf(lo);
        }
        double x0 = Math.Log(lo), g0 = Math.Log(eLo / target); // g0 > 0 (may be +∞)
        double x1 = Math.Log(hi), g1 = Math.Log(eHi / target); // g1 ≤ 0 (may be −∞)
        int lastSide = 0;
        for (int iter = 0; iter < 200 && Math.Exp(x1 - x0) - 1 > RelativeTolerance && g1 < -1e-7; iter++)
        {
            double x = double.IsFinite(g0) && double.IsFinite(g1) ? (x0 * g1 - x1 * g0) / (g1 - g0) : (x0 + x1) / 2;
            double margin = (x1 - x0) * 1e-3; // keep strictly inside so the bracket always shrinks
            if (!(x > x0 + margin && x < x1 - margin)) x = (x0 + x1) / 2;
            double g = Math.Log(epsilonOf(Math.Exp(x)) / target);
            if (g <= 0)
            {
                x1 = x; g1 = g;
                if (lastSide == -1) g0 /= 2; // Illinois: halve the stale end so it cannot stall
                lastSide = -1;
            }
            else
            {
                x0 = x; g0 = g;
                if (lastSide == 1) g1 /= 2;
                lastSide = 1;
            }
        }
        return Math.Exp(x1);
    }
}
