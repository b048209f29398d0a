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

    /// <summary>Levenshtein distance: insertions, deletions and substitutions of one character each cost 1.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
