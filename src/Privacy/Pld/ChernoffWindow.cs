namespace DpSynth.Privacy.Pld;

/// <summary>
/// Chooses the loss window for the FFT from Chernoff bounds on the composed loss S = Σ Lᵢ:
/// P(S ≥ u) ≤ e^{−λu}·Π M_s(λ)^{T_s} for every λ &gt; 0, where M_s is stage s's moment
/// generating function (of its finite part, so the bound covers "finite and ≥ u"). The window
/// is also clipped to the exact support, the sum of the single-step ranges.
/// </summary>
internal static class ChernoffWindow
{
    /// <summary>λ grid, geometric over the scales of composed losses (from single steps with tiny q to many Gaussian steps).</summary>
    private static readonly double[] Lambdas = Enumerable.Range(0, 31).Select(i => Math.Pow(10, -2 + i * 0.2)).ToArray();

    /// <summary>The window, and log Π M_s(λ)^{T_s} on the λ grid for <see cref="UpperTailBound"/>.</summary>
    public static (long MinIndex, long MaxIndex, double[] LogMgfUpper) Find((LossPmf Pmf, long Repetitions)[] pmfs, double tailMass)
    {
        double interval = pmfs[0].Pmf.Interval;
        double logTail = Math.Log(tailMass / 2);
        double upper = double.PositiveInfinity, lower = double.NegativeInfinity;
        var logMgfUpper = new double[Lambdas.Length];
        for (int i = 0; i < Lambdas.Length; i++)
        {
            double lambda = Lambdas[i];
            logMgfUpper[i] = LogMgfSum(pmfs, lambda);
            upper = Math.Min(upper, (logMgfUpper[i] - logTail) / lambda);
            lower = Math.Max(lower, (logTail - LogMgfSum(pmfs, -lambda)) / lambda);
        }
        double supportMin = 0, supportMax = 0;
        foreach (var (pmf, reps) in pmfs)
        {
            supportMin += reps * (double)pmf.MinIndex;
            supportMax += reps * (double)pmf.MaxIndex;
        }
        long lo = (long)Math.Max(Math.Floor(lower / interval), supportMin);
        long hi = (long)Math.Min(Math.Ceiling(upper / interval), supportMax);
        return (lo, Math.Max(hi, lo), logMgfUpper);
    }

    /// <summary>Bound on P(S ≥ top, S finite), minimised over the λ grid; 0 when top exceeds the support.</summary>
    public static double UpperTailBound((LossPmf Pmf, long Repetitions)[] pmfs, double[] logMgfUpper, double top)
    {
        double supportMax = pmfs.Sum(p => p.Repetitions * (double)p.Pmf.MaxIndex) * pmfs[0].Pmf.Interval;
        if (top > supportMax) return 0;
        double best = 0; // log of 1
        for (int i = 0; i < Lambdas.Length; i++) best = Math.Min(best, logMgfUpper[i] - Lambdas[i] * top);
        return Math.Exp(best);
    }

    private static double LogMgfSum((LossPmf Pmf, long Repetitions)[] pmfs, double lambda)
    {
        double s = 0;
        foreach (var (pmf, reps) in pmfs) s += reps * pmf.LogMgf(lambda);
        return s;
    }
}
