using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

public sealed unsafe partial class SimdBackend
{
    /// <inheritdoc />
    public void LayerNormForward(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd, float eps = 1e-5f)
    {
        OpPreconditions.LayerNormForward(this, x, gamma, beta, y, mean, rstd);
        float* xp = HostStorage.PointerOf(x), g = HostStorage.PointerOf(gamma), b = HostStorage.PointerOf(beta);
        float* yp = HostStorage.PointerOf(y), mu = HostStorage.PointerOf(mean), rs = HostStorage.PointerOf(rstd);
        int n = x.Cols;
        for (int i = 0; i < x.Rows; i++)
        {
            float* xr = xp + (long)i * n, yr = yp + (long)i * n;
            // Two passes (mean, then squared deviations) rather than E[x²] − E[x]², which cancels
            // badly when |mean| ≫ std.
            float m = TensorPrimitives.Sum(new ReadOnlySpan<float>(xr, n)) / n;
            float r = 1f / MathF.Sqrt(SquaredDeviations(xr, n, m) / n + eps);
            NormaliseRow(xr, yr, g, b, n, m, r);
            mu[i] = m;
            rs[i] = r;
        }
    }

    /// <summary>Σ (x − m)².</summary>
    private static float SquaredDeviations(float* x, int n, float m)
    {
        int j = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc = Vector512<float>.Zero, mv = Vector512.Create(m);
            for (; j <= n - 16; j += 16)
            {
                var d = Vector512.Load(x + j) - mv;
                acc = Vector512.FusedMultiplyAdd(d, d, acc);
            }
            sum = Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc = Vector256<float>.Zero, mv = Vector256.Create(m);
            for (; j <= n - 8; j += 8)
            {
                var d = Vector256.Load(x + j) - mv;
                acc = Vector256.FusedMultiplyAdd(d, d, acc);
            }
            sum += Vector256.Sum(acc);
        }
        for (; j < n; j++) sum += (x[j] - m) * (x[j] - m);
        return sum;
    }

    /// <summary>y = (x − m)·r·γ + β.</summary>
    private static void NormaliseRow(float* x, float* y, float* g, float* b, int n, float m, float r)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> mv = Vector512.Create(m), rv = Vector512.Create(r);
            for (; j <= n - 16; j += 16)
                Vector512.Store(Vector512.FusedMultiplyAdd((Vector512.Load(x + j) - mv) * rv, Vector512.Load(g + j), Vector512.Load(b + j)), y + j);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> mv = Vector256.Create(m), rv = Vector256.Create(r);
            for (; j <= n - 8; j += 8)
                Vector256.Store(Vector256.FusedMultiplyAdd((Vector256.Load(x + j) - mv) * rv, Vector256.Load(g + j), Vector256.Load(b + j)), y + j);
        }
        for (; j < n; j++) y[j] = (x[j] - m) * r * g[j] + b[j];
    }

    /// <inheritdoc />
    public void LayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta, float accumulate = 0f)
    {
        OpPreconditions.LayerNormBackward(this, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        Span<float> dgs = Data(dgamma), dbs = Data(dbeta);
        // accumulate = 0 overwrites, so stale NaNs do not leak through 0·NaN.
        if (accumulate == 0f) { dgs.Clear(); dbs.Clear(); }
        else if (accumulate != 1f) { TensorPrimitives.Multiply(dgs, accumulate, dgs); TensorPrimitives.Multiply(dbs, accumulate, dbs); }
        float* d = HostStorage.PointerOf(dy), xp = HostStorage.PointerOf(x), g = HostStorage.PointerOf(gamma);
        float* mu = HostStorage.PointerOf(mean), rs = HostStorage.PointerOf(rstd), dxp = HostStorage.PointerOf(dx);
        float* dg = HostStorage.PointerOf(dgamma), db = HostStorage.PointerOf(dbeta);
        int n = x.Cols;
        for (int i = 0; i < x.Rows; i++)
        {
            long o = (long)i * n;
            var (sumG, sumGX) = BackwardSums(d + o, xp + o, g, dg, db, n, mu[i], rs[i]);
            // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)), ĝ = dy⊙γ: the chain rule through x̂, μ and rstd.
            BackwardRow(d + o, xp + o, g, dxp + o, n, mu[i], rs[i], sumG / n, sumGX / n);
        }
    }

    /// <summary>Returns (Σ ĝ, Σ ĝ·x̂) for one row and adds dy⊙x̂ into dgamma and dy into dbeta.</summary>
    private static (float SumG, float SumGX) BackwardSums(float* dy, float* x, float* g, float* dg, float* db, int n, float m, float r)
    {
        int j = 0;
        float sumG = 0f, sumGX = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> mv = Vector512.Create(m), rv = Vector512.Create(r), accG = default, accGX = default;
            for (; j <= n - 16; j += 16)
            {
                var d = Vector512.Load(dy + j);
                var xHat = (Vector512.Load(x + j) - mv) * rv;
                var gHat = d * Vector512.Load(g + j);
                accG += gHat;
                accGX = Vector512.FusedMultiplyAdd(gHat, xHat, accGX);
                Vector512.Store(Vector512.FusedMultiplyAdd(d, xHat, Vector512.Load(dg + j)), dg + j);
                Vector512.Store(Vector512.Load(db + j) + d, db + j);
            }
            sumG = Vector512.Sum(accG);
            sumGX = Vector512.Sum(accGX);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> mv = Vector256.Create(m), rv = Vector256.Create(r), accG = default, accGX = default;
            for (; j <= n - 8; j += 8)
            {
                var d = Vector256.Load(dy + j);
                var xHat = (Vector256.Load(x + j) - mv) * rv;
                var gHat = d * Vector256.Load(g + j);
                accG += gHat;
                accGX = Vector256.FusedMultiplyAdd(gHat, xHat, accGX);
                Vector256.Store(Vector256.FusedMultiplyAdd(d, xHat, Vector256.Load(dg + j)), dg + j);
                Vector256.Store(Vector256.Load(db + j) + d, db + j);
            }
            sumG += Vector256.Sum(accG);
            sumGX += Vector256.Sum(accGX);
        }
        for (; j < n; j++)
        {
            float xHat = (x[j] - m) * r, gHat = dy[j] * g[j];
            sumG += gHat;
            sumGX += gHat * xHat;
            dg[j] += dy[j] * xHat;
            db[j] += dy[j];
        }
        return (sumG, sumGX);
    }

    /// <summary>dx = r·(dy⊙γ − meanG − x̂·meanGX).</summary>
    private static void BackwardRow(float* dy, float* x, float* g, float* dx, int n, float m, float r, float meanG, float meanGX)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> mv = Vector512.Create(m), rv = Vector512.Create(r), mg = Vector512.Create(meanG), mgx = Vector512.Create(meanGX);
            for (; j <= n - 16; j += 16)
            {
                var xHat = (Vector512.Load(x + j) - mv) * rv;
                var inner = Vector512.FusedMultiplyAdd(Vector512.Load(dy + j), Vector512.Load(g + j), -mg) - xHat * mgx;
                Vector512.Store(rv * inner, dx + j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> mv = Vector256.Create(m), rv = Vector256.Create(r), mg = Vector256.Create(meanG), mgx = Vector256.Create(meanGX);
            for (; j <= n - 8; j += 8)
            {
                var xHat = (Vector256.Load(x + j) - mv) * rv;
                var inner = Vector256.FusedMultiplyAdd(Vector256.Load(dy + j), Vector256.Load(g + j), -mg) - xHat * mgx;
                Vector256.Store(rv * inner, dx + j);
            }
        }
        for (; j < n; j++)
        {
            float xHat = (x[j] - m) * r;
            dx[j] = r * (dy[j] * g[j] - meanG - xHat * meanGX);
        }
    }
}
