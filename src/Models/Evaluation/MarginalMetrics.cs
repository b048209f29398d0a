namespace DpSynth.Models.Evaluation;

/// <summary>
/// 1-way and 2-way marginal total-variation distances and the association difference, all from
/// counts of discretised columns (see <see cref="DiscreteColumn"/>).
/// </summary>
internal static class MarginalMetrics
{
    public const string AssociationMethod =
        "mean over column pairs of |real − synthetic| association, computed on the 2-way tables: " +
        "Pearson correlation of real-quantile bin indices for numeric–numeric pairs (a Spearman-like rank correlation), " +
        "Cramér's V for categorical–categorical, correlation ratio η for numeric–categorical; missing values are a category";

    /// <summary>TVD = ½ Σ |p_real − p_synthetic| over the column's codes.</summary>
    public static double OneWayTvd(DiscreteColumn c)
    {
        var real = new double[c.Categories];
        var synth = new double[c.Categories];
        Histogram(c.Codes[AlignedTables.Real], real);
        Histogram(c.Codes[AlignedTables.Synthetic], synth);
        return Tvd(real, synth);
    }

    /// <summary>The 2-way TVD of a pair and |Δ association|.</summary>
    public static (double Tvd, double AssociationDifference) TwoWay(DiscreteColumn a, DiscreteColumn b)
    {
        var real = Joint(a, b, AlignedTables.Real);
        var synth = Joint(a, b, AlignedTables.Synthetic);
        double tvd = Tvd(real, synth);
        double diff = Math.Abs(Association(a, b, real) - Association(a, b, synth));
        return (tvd, diff);
    }

    private static void Histogram(int[] codes, double[] counts)
    {
        foreach (int c in codes) counts[c]++;
    }

    private static double[] Joint(DiscreteColumn a, DiscreteColumn b, int table)
    {
        var joint = new double[a.Categories * b.Categories];
        int[] ca = a.Codes[table], cb = b.Codes[table];
        int k = b.Categories;
        for (int r = 0; r < ca.Length; r++) joint[ca[r] * k + cb[r]]++;
        return joint;
    }

    private static double Tvd(double[] p, double[] q)
    {
        double np = p.Sum(), nq = q.Sum();
        if (np == 0 || nq == 0) return np == nq ? 0 : 1;
        double s = 0;
        for (int i = 0; i < p.Length; i++) s += Math.Abs(p[i] / np - q[i] / nq);
        return 0.5 * s;
    }

    /// <summary>Association of a pair from its joint counts (rows: codes of <paramref name="a"/>).</summary>
    private static double Association(DiscreteColumn a, DiscreteColumn b, double[] joint)
    {
        int ka = a.Categories, kb = b.Categories;
        if (a.IsNumeric && b.IsNumeric) return BinPearson(joint, ka, kb);
        if (!a.IsNumeric && !b.IsNumeric) return CramersV(joint, ka, kb);
        return a.IsNumeric ? CorrelationRatio(joint, ka, kb, numericIsRow: true) : CorrelationRatio(joint, ka, kb, numericIsRow: false);
    }

    private static double BinPearson(double[] joint, int ka, int kb)
    {
        // Missing bins (the last code of each) carry no position on the numeric scale: left out.
        double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < ka - 1; i++)
            for (int j = 0; j < kb - 1; j++)
            {
                double w = joint[i * kb + j];
                if (w == 0) continue;
                n += w; sx += w * i; sy += w * j; sxx += w * i * i; syy += w * j * j; sxy += w * i * j;
            }
        if (n < 2) return 0;
        double vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
        return vx <= 0 || vy <= 0 ? 0 : (sxy - sx * sy / n) / Math.Sqrt(vx * vy);
    }

    private static double CramersV(double[] joint, int ka, int kb)
    {
        var rows = new double[ka];
        var cols = new double[kb];
        double n = 0;
        for (int i = 0; i < ka; i++)
            for (int j = 0; j < kb; j++) { double w = joint[i * kb + j]; rows[i] += w; cols[j] += w; n += w; }
        int r = rows.Count(x => x > 0), c = cols.Count(x => x > 0);
        if (n == 0 || Math.Min(r, c) < 2) return 0;
        double chi2 = 0;
        for (int i = 0; i < ka; i++)
        {
            if (rows[i] == 0) continue;
            for (int j = 0; j < kb; j++)
            {
                if (cols[j] == 0) continue;
                double e = rows[i] * cols[j] / n, d = joint[i * kb + j] - e;
                chi2 += d * d / e;
            }
        }
        return Math.Sqrt(chi2 / (n * (Math.Min(r, c) - 1)));
    }

    /// <summary>η = sqrt(between-category variance / total variance) of the numeric column's bin index.</summary>
    private static double CorrelationRatio(double[] joint, int ka, int kb, bool numericIsRow)
    {
        int kNum = numericIsRow ? ka : kb, kCat = numericIsRow ? kb : ka;
        var count = new double[kCat];
        var sum = new double[kCat];
        double n = 0, s = 0, ss = 0;
        for (int x = 0; x < kNum - 1; x++) // the numeric column's missing bin is left out
            for (int g = 0; g < kCat; g++)
            {
                double w = numericIsRow ? joint[x * kb + g] : joint[g * kb + x];
                if (w == 0) continue;
                count[g] += w; sum[g] += w * x; n += w; s += w * x; ss += w * x * x;
            }
        if (n < 2) return 0;
        double total = ss - s * s / n;
        if (total <= 0) return 0;
        double between = 0, mean = s / n;
        for (int g = 0; g < kCat; g++)
            if (count[g] > 0) { double d = sum[g] / count[g] - mean; between += count[g] * d * d; }
        return Math.Sqrt(Math.Clamp(between / total, 0, 1));
    }
}
