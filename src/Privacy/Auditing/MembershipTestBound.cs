namespace DpSynth.Privacy.Auditing;

/// <summary>
/// The ε a membership test certifies (Kairouz, Oh &amp; Viswanath 2015; Jagielski, Ullman &amp; Oprea
/// 2020): an (ε, δ)-DP mechanism forces every test for "the record was in" to satisfy
/// FPR + e^ε·FNR ≥ 1 − δ and FNR + e^ε·FPR ≥ 1 − δ, so error rates bounded from above give
/// ε ≥ max(ln((1 − δ − FNR)/FPR), ln((1 − δ − FPR)/FNR), 0).
/// </summary>
public static class MembershipTestBound
{
    /// <summary>ε_LB from upper confidence bounds on the two error rates (0 when neither term is positive).</summary>
    /// <param name="falsePositiveRate">An upper bound on FPR (P[say "in" | out]).</param>
    /// <param name="falseNegativeRate">An upper bound on FNR (P[say "out" | in]).</param>
    /// <param name="delta">δ of the claim being tested.</param>
    public static double Epsilon(double falsePositiveRate, double falseNegativeRate, double delta)
    {
        if (!(falsePositiveRate >= 0 && falsePositiveRate <= 1 && falseNegativeRate >= 0 && falseNegativeRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), "error rates must be in [0, 1]");
        if (!(delta >= 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in [0, 1)");
        return Math.Max(0, Math.Max(Term(falseNegativeRate, falsePositiveRate, delta), Term(falsePositiveRate, falseNegativeRate, delta)));
    }

    /// <summary>
    /// ε_LB from counted errors: each rate bounded by a one-sided Clopper–Pearson upper bound at β/2,
    /// so the bound holds with probability ≥ 1 − β.
    /// </summary>
    /// <param name="falsePositives">"In" guesses on runs without the record.</param>
    /// <param name="negatives">Runs without the record.</param>
    /// <param name="falseNegatives">"Out" guesses on runs with the record.</param>
    /// <param name="positives">Runs with the record.</param>
    /// <param name="delta">δ of the claim.</param>
    /// <param name="beta">Error probability β ∈ (0, 1).</param>
    public static double Epsilon(long falsePositives, long negatives, long falseNegatives, long positives, double delta, double beta)
        => Epsilon(ClopperPearson.Upper(falsePositives, negatives, beta / 2), ClopperPearson.Upper(falseNegatives, positives, beta / 2), delta);

    private static double Term(double other, double denominator, double delta)
    {
        double numerator = 1 - delta - other;
        if (!(numerator > 0)) return 0;
        return denominator <= 0 ? double.PositiveInfinity : Math.Log(numerator / denominator);
    }
}
