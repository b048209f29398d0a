using DpSynth.Kernels;

namespace DpSynth.Models.Evaluation;

/// <summary>
/// Distance to closest record. Nearest neighbours are exact (no index, no approximation): squared
/// distances ‖q‖² + ‖t‖² − 2·q·t with the cross term as a blocked float32 GEMM of the query sample
/// against all training rows. Exact copies are found separately by hashing whole rows, over all rows.
/// </summary>
internal static class DistanceToClosestRecord
{
    private const int TrainBlock = 4096;

    public static string Method(int sampleRows) =>
        $"Euclidean distance on real-standardised numerics and one-hot categoricals (all columns); exact nearest training row " +
        $"by blocked float32 GEMM for a seeded sample of at most {sampleRows} synthetic and {sampleRows} test rows against all training rows; " +
        "exact copies by hashing every row";

    public static DcrReport Compute(AlignedTables tables, IComputeBackend backend, int sampleRows, ulong seed)
    {
        var features = new FeatureMatrix(tables.Columns, AlignedTables.Real, intercept: false);
        int d = features.Width;
        float[] train = features.Build(AlignedTables.Real, null, out int nTrain);
        var rng = new Simulation.SimulationRandom(seed);
        int[] synthRows = Sample(rng, tables.Rows(AlignedTables.Synthetic), sampleRows);
        int[] testRows = Sample(rng, tables.Rows(AlignedTables.Test), sampleRows);

        using var scope = new TensorScope(backend);
        var tTrain = scope.Upload(train, Math.Max(1, nTrain), d);
        var trainNorms = RowNorms(train, nTrain, d);
        double synth = Median(Nearest(backend, scope, tTrain, trainNorms, nTrain, features.Build(AlignedTables.Synthetic, synthRows, out _), synthRows.Length, d));
        double test = Median(Nearest(backend, scope, tTrain, trainNorms, nTrain, features.Build(AlignedTables.Test, testRows, out _), testRows.Length, d));

        var trainKeys = new HashSet<RowKey>();
        for (int r = 0; r < nTrain; r++) trainKeys.Add(RowKey.Of(tables, AlignedTables.Real, r));
        return new DcrReport(synth, test,
            CopyShare(tables, AlignedTables.Synthetic, trainKeys), CopyShare(tables, AlignedTables.Test, trainKeys),
            synthRows.Length, testRows.Length, Method(sampleRows));
    }

    private static double[] Nearest(IComputeBackend backend, TensorScope scope, Tensor train, float[] trainNorms, int nTrain, float[] query, int m, int d)
    {
        var best = new double[m];
        Array.Fill(best, double.PositiveInfinity);
        if (m == 0 || nTrain == 0) return best;
        var queryNorms = RowNorms(query, m, d);
        var tq = scope.Upload(query, m, d);
        var cross = new float[(long)m * TrainBlock];
        Tensor? full = null;
        for (int start = 0; start < nTrain; start += TrainBlock)
        {
            int b = Math.Min(TrainBlock, nTrain - start);
            var tc = b == TrainBlock ? full ??= scope.Allocate(m, TrainBlock) : scope.Allocate(m, b);
            backend.Gemm(tq, false, train.SliceRows(start, b), true, tc);
            backend.Download(tc, cross.AsSpan(0, m * b));
            for (int i = 0; i < m; i++)
            {
                double bi = best[i];
                int o = i * b;
                for (int j = 0; j < b; j++)
                {
                    double dist = queryNorms[i] + trainNorms[start + j] - 2.0 * cross[o + j];
                    if (dist < bi) bi = dist;
                }
                best[i] = bi;
            }
        }
        // Rounding can make the squared distance of a copy slightly negative.
        for (int i = 0; i < m; i++) best[i] = Math.Sqrt(Math.Max(0, best[i]));
        return best;
    }

    private static float[] RowNorms(float[] x, int n, int d)
    {
        var norms = new float[n];
        for (int i = 0; i < n; i++)
            norms[i] = System.Numerics.Tensors.TensorPrimitives.Dot(x.AsSpan(i * d, d), x.AsSpan(i * d, d));
        return norms;
    }

    private static int[] Sample(Simulation.SimulationRandom rng, int n, int k)
    {
        var all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        k = Math.Min(k, n);
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.Next(n - i); // partial Fisher–Yates: k distinct rows
            (all[i], all[j]) = (all[j], all[i]);
        }
        var picked = all[..k];
        Array.Sort(picked);
        return picked;
    }

    private static double Median(double[] v)
    {
        if (v.Length == 0) return double.NaN;
        var s = (double[])v.Clone();
        Array.Sort(s);
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    private static double CopyShare(AlignedTables tables, int table, HashSet<RowKey> train)
    {
        int n = tables.Rows(table), copies = 0;
        for (int r = 0; r < n; r++) if (train.Contains(RowKey.Of(tables, table, r))) copies++;
        return n == 0 ? 0 : (double)copies / n;
    }

    /// <summary>A whole row as comparable values: numbers by their bits (NaN normalised), categories by shared code.</summary>
    private readonly struct RowKey(long[] values) : IEquatable<RowKey>
    {
        private readonly long[] _values = values;

        public static RowKey Of(AlignedTables tables, int table, int row)
        {
            var v = new long[tables.Columns.Count];
            for (int c = 0; c < v.Length; c++)
            {
                var col = tables.Columns[c];
                if (col.Numbers is { } numbers)
                {
                    double x = numbers[table][row];
                    v[c] = double.IsNaN(x) ? long.MinValue : BitConverter.DoubleToInt64Bits(x + 0.0); // +0.0 folds −0 into 0
                }
                else v[c] = col.Codes![table][row];
            }
            return new RowKey(v);
        }

        public bool Equals(RowKey other) => _values.AsSpan().SequenceEqual(other._values);
        public override bool Equals(object? obj) => obj is RowKey k && Equals(k);
        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (long x in _values) h.Add(x);
            return h.ToHashCode();
        }
    }
}
