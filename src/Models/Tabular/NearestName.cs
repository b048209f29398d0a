namespace DpSynth.Models.Tabular;

/// <summary>The name a user most likely meant when they typed one that does not exist (a key, a kind, a command).</summary>
public static class NearestName
{
    /// <summary>
    /// The candidate closest to <paramref name="given"/> by edit distance (ignoring case), when it is
    /// close enough to be a typo — at most a third of the name's letters changed, or a prefix of it; else null.
    /// </summary>
    public static string? Find(string given, IEnumerable<string> candidates)
    {
        string g = given.ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            string lower = c.ToLowerInvariant();
            int d = g.Length >= 2 && lower.StartsWith(g, StringComparison.Ordinal) ? 0 : EditDistance(g, lower);
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        return best is not null && bestDistance <= Math.Max(1, given.Length / 3) ? best : null;
    }

    /// <summary>
    /// Edit distance in which inserting, deleting or changing a character, or swapping two adjacent
    /// ones (the commonest typo: "infre"), each costs 1 (optimal string alignment).
    /// </summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
