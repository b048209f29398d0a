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

    /// <summary>
    /// What the window needs from a set of composed steps, kept as sums so that a running
    /// composition adds one stage's share without revisiting the others.
    /// </summary>
    /// <param name="LogMgfUpper">Σ T_s·log M_s(λ) on the λ grid.</param>
    /// <param name="LogMgfLower">Σ T_s·log M_s(−λ) on the λ grid.</param>
    /// <param name="SupportMin">Σ T_s·(lowest grid index of stage s).</param>
    /// <param name="SupportMax">Σ T_s·(highest grid index of stage s).</param>
    public sealed record Moments(double[] LogMgfUpper, double[] LogMgfLower, double SupportMin, double SupportMax)
    {
        /// <summary>No steps: S = 0.</summary>
        public static Moments Empty => new(new double[Lambdas.Length], new double[Lambdas.Length], 0, 0);

        /// <summary>These moments plus <paramref name="reps"/> steps of <paramref name="pmf"/>.</summary>
        public Moments Plus(LossPmf pmf, long reps)
        {
            var upper = (double[])LogMgfUpper.Clone();
            var lower = (double[])LogMgfLower.Clone();
            for (int i = 0; i < Lambdas.Length; i++)
            {
                upper[i] += reps * pmf.LogMgf(Lambdas[i]);
                lower[i] += reps * pmf.LogMgf(-Lambdas[i]);
            }
            return new Moments(upper, lower, SupportMin + reps * (double)pmf.MinIndex, SupportMax + reps * (double)pmf.MaxIndex);
        }
    }

    /// <summary>The window, and log Π M_s(λ)^{T_s} on the λ grid for the upper-tail bound.</summary>
    public static (long MinIndex, long MaxIndex, double[] LogMgfUpper) Find((LossPmf Pmf, long Repetitions)[] pmfs, double tailMass)
    {
        var moments = Moments.Empty;
        foreach (var (pmf, reps) in pmfs) moments = moments.Plus(pmf, reps);
        var (lo, hi) = Find(moments, pmfs[0].Pmf.Interval, tailMass);
        return (lo, hi, moments.LogMgfUpper);
    }

    /// <summary>The window [MinIndex, MaxIndex] outside which the composed loss has at most <paramref name="tailMass"/>.</summary>
    public static (long MinIndex, long MaxIndex) Find(Moments moments, double interval, double tailMass)
    {
        double logTail = Math.Log(tailMass / 2);
        double upper = double.PositiveInfinity, lower = double.NegativeInfinity;
        for (int i = 0; i < Lambdas.Length; i++)
        {
            upper = Math.Min(upper, (moments.LogMgfUpper[i] - logTail) / Lambdas[i]);
            lower = Math.Max(lower, (logTail - moments.LogMgfLower[i]) / Lambdas[i]);
        }
        long lo = (long)Math.Max(Math.Floor(lower / interval), moments.SupportMin);
        long hi = (long)Math.Min(Math.Ceiling(upper / interval), moments.SupportMax);
        return (lo, Math.Max(hi, lo));
    }

    /// <summary>Bound on P(S ≥ top, S finite), minimised over the λ grid; 0 when top exceeds the support.</summary>
    public static double UpperTailBound((LossPmf Pmf, long Repetitions)[] pmfs, double[] logMgfUpper, double top)
    {
        double supportMax = pmfs.Sum(p => p.Repetitions * (double)p.Pmf.MaxIndex);
        return UpperTailBound(logMgfUpper, supportMax * pmfs[0].Pmf.Interval, top);
    }

    /// <summary>Bound on P(S ≥ top, S finite) from Σ T_s·log M_s(λ); 0 when top exceeds the largest possible loss.</summary>
    public static double UpperTailBound(double[] logMgfUpper, double supportMaxLoss, double top)
    {
        if (top > supportMaxLoss) return 0;
        double best = 0; // log of 1
        for (int i = 0; i < Lambdas.Length; i++) best = Math.Min(best, logMgfUpper[i] - Lambdas[i] * top);
        return Math.Exp(best);
    }
}
