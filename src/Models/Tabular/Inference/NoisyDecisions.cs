namespace DpSynth.Models.Tabular.Inference;

/// <summary>
/// The rules that turn noisy counts into schema decisions — post-processing of DP releases, so
/// they cost nothing more. A count "is there" when its noisy value reaches <see cref="Sigmas"/>·σ;
/// shares compare noisy counts with each other. Under uncertainty the rules lean towards the
/// choice that loses least: categorical rather than numeric (numbers survive as categories, text
/// would not survive as numbers), continuous rather than integer only on clear evidence, and a
/// missing slot whenever missing cells are seen.
/// </summary>
internal static class NoisyDecisions
{
    /// <summary>A noisy count at or above this many σ counts as present (a Gaussian passes it by chance with probability 0.13 %).</summary>
    public const double Sigmas = 3;

    /// <summary>Largest share of text cells in a numeric column; they are read as missing.</summary>
    public const double TextInNumbers = 0.05;

    /// <summary>Largest share of fractional numbers in an integer column; they are rounded to whole numbers.</summary>
    public const double FractionsInWholes = 0.01;

    /// <summary>Whether a noisy count with noise σ shows that the class occurs.</summary>
    public static bool Seen(long noisy, double sigma) => noisy >= Sigmas * sigma;

    /// <summary>
    /// Decimals to round a continuous column to, from noisy counts of its numbers by decimals
    /// (index d = 0 for whole numbers … <see cref="CellShape.MaxDecimals"/> + 1 for "more"): the most
    /// decimals seen in more than <see cref="FractionsInWholes"/> of the fractional numbers (and
    /// above the noise); null (no rounding) when numbers with more than <see cref="CellShape.MaxDecimals"/>
    /// are seen or no fractional class is; 0 when only whole numbers are seen.
    /// </summary>
    public static int? Precision(IReadOnlyList<long> byDecimals, double sigma)
    {
        int more = CellShape.MaxDecimals + 1;
        double fractional = 0;
        for (int d = 1; d <= more; d++) fractional += byDecimals[d]; // raw: unbiased, unlike a sum of clamped counts
        fractional = Math.Max(0, fractional);
        double threshold = Math.Max(Sigmas * sigma, FractionsInWholes * fractional);
        if (byDecimals[more] >= threshold) return null;
        for (int d = CellShape.MaxDecimals; d >= 1; d--)
            if (byDecimals[d] >= threshold) return d;
        return Seen(byDecimals[0], sigma) ? 0 : null;
    }
}
