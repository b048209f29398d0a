namespace DpSynth.Models.Evaluation;

/// <summary>Exact ROC AUC from ranks (the Mann–Whitney statistic), tied scores sharing their mean rank.</summary>
internal static class RocAuc
{
    /// <summary>AUC of <paramref name="scores"/> for binary <paramref name="labels"/> (1 = positive); 0.5 when one class is absent.</summary>
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && keys[j + 1] == keys[i]) j++;
            double meanRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++)
                if (labels[order[k]] == 1) { positiveRankSum += meanRank; positives++; }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return 0.5;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
