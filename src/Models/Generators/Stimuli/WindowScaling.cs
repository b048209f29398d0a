namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// The fixed per-column affine map between recorded units and the classifiers' input space:
/// x' = clamp((x − offset) / scale, −limit, limit). From public bounds ([min, max] → [−1, 1], so it
/// reads nothing private and a DP teacher may use it) or, for non-private teachers only, from the
/// training windows' means and standard deviations. Stimuli are written back in recorded units.
/// </summary>
public sealed class WindowScaling
{
    /// <summary>Creates a scaling from per-column offsets and (positive) scales.</summary>
    public WindowScaling(float[] offsets, float[] scales, float limit, bool fromPublicBounds)
    {
        if (offsets.Length != scales.Length) throw new ArgumentException("Scaling: offsets and scales differ in length.");
        foreach (float s in scales)
            if (!(s > 0) || float.IsInfinity(s)) throw new ArgumentException("Scaling: every scale must be positive and finite.");
        Offsets = offsets;
        Scales = scales;
        Limit = limit;
        FromPublicBounds = fromPublicBounds;
    }

    /// <summary>Per-column offsets.</summary>
    public float[] Offsets { get; }

    /// <summary>Per-column scales.</summary>
    public float[] Scales { get; }

    /// <summary>Scaled values are clamped to [−limit, limit].</summary>
    public float Limit { get; }

    /// <summary>True when the map comes from declared public bounds (costs no privacy).</summary>
    public bool FromPublicBounds { get; }

    /// <summary>Number of columns.</summary>
    public int Width => Offsets.Length;

    /// <summary>Maps [min, max] of each column onto [−1, 1]; values outside the bounds are clamped to them.</summary>
    public static WindowScaling FromBounds(IReadOnlyList<(double Min, double Max)> bounds)
    {
        var offsets = new float[bounds.Count];
        var scales = new float[bounds.Count];
        for (int j = 0; j < bounds.Count; j++)
        {
            var (min, max) = bounds[j];
            if (!(max > min)) throw new ArgumentException($"Scaling: column {j + 1}'s bounds [{min}, {max}] are empty.");
            offsets[j] = (float)((min + max) / 2);
            scales[j] = (float)((max - min) / 2);
        }
        return new WindowScaling(offsets, scales, 1f, true);
    }

    /// <summary>
    /// Standardises each column by the windows' mean and standard deviation, clamped to ±4. This reads
    /// the private windows: only for teachers trained without DP (which carry no guarantee anyway).
    /// </summary>
    public static WindowScaling Standardise(WindowSet windows)
    {
        int d = windows.Width, n = windows.Count;
        var offsets = new float[d];
        var scales = new float[d];
        for (int j = 0; j < d; j++)
        {
            double sum = 0, squares = 0;
            for (int i = 0; i < n; i++)
            {
                double v = windows.Values[i * d + j];
                sum += v;
                squares += v * v;
            }
            double mean = sum / n, variance = Math.Max(0, squares / n - mean * mean);
            offsets[j] = (float)mean;
            scales[j] = (float)Math.Max(Math.Sqrt(variance), 1e-3);
        }
        return new WindowScaling(offsets, scales, 4f, false);
    }

    /// <summary>The scaled copy of row-major <paramref name="values"/>.</summary>
    public float[] Apply(ReadOnlySpan<float> values)
    {
        if (values.Length % Width != 0) throw new ArgumentException($"Scaling: {values.Length} values are not rows of {Width}.");
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % Width;
            result[i] = Math.Clamp((values[i] - Offsets[j]) / Scales[j], -Limit, Limit);
        }
        return result;
    }

    /// <summary>Maps scaled values back to recorded units.</summary>
    public float[] Invert(ReadOnlySpan<float> scaled)
    {
        var result = new float[scaled.Length];
        for (int i = 0; i < scaled.Length; i++)
        {
            int j = i % Width;
            result[i] = scaled[i] * Scales[j] + Offsets[j];
        }
        return result;
    }
}
