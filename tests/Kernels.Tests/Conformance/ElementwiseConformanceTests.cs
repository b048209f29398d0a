namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>Bias, AXPY-style and column-copy ops against the reference.</summary>
public abstract class ElementwiseConformanceTests : BackendTestBase
{
    [Fact]
    public void AddBias_matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
        {
            var (x, xr) = RandomPair(rows, cols, 1);
            var (b, br) = RandomPair(1, cols, 2);
            Backend.AddBias(x, b);
            Reference.AddBias(xr, br);
            AssertClose(xr, x, 1e-6f, 1e-6f, $"AddBias {rows}×{cols}");
        }
    }

    [Fact]
    public void BiasGradient_matches_reference_overwriting_and_accumulating()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (float beta in new[] { 0f, 1f, 0.5f })
            {
                var (dy, dyr) = RandomPair(rows, cols, 3);
                // β = 0 must ignore the old contents, NaNs included.
                var old = beta == 0f ? Enumerable.Repeat(float.NaN, cols).ToArray() : RandomData(cols, 4);
                var (db, dbr) = Pair(1, cols, old);
                Backend.BiasGradient(dy, db, beta);
                Reference.BiasGradient(dyr, dbr, beta);
                AssertClose(dbr, db, 1e-5f, 1e-5f, $"BiasGradient {rows}×{cols} β={beta}");
            }
    }

    [Fact]
    public void Axpy_Scale_Multiply_match_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
        {
            string shape = $"{rows}×{cols}";
            var (x, xr) = RandomPair(rows, cols, 5);
            var (y, yr) = RandomPair(rows, cols, 6);
            Backend.Axpy(-0.75f, x, y);
            Reference.Axpy(-0.75f, xr, yr);
            AssertClose(yr, y, 1e-6f, 1e-6f, $"Axpy {shape}");

            Backend.Scale(y, 3.5f);
            Reference.Scale(yr, 3.5f);
            AssertClose(yr, y, 1e-6f, 1e-6f, $"Scale {shape}");

            var z = Backend.Allocate(rows, cols);
            var zr = Reference.Allocate(rows, cols);
            Backend.Multiply(x, y, z);
            Reference.Multiply(xr, yr, zr);
            AssertClose(zr, z, 1e-6f, 1e-6f, $"Multiply {shape}");

            Backend.Multiply(x, y, x); // z aliasing x is allowed
            Reference.Multiply(xr, yr, xr);
            AssertClose(xr, x, 1e-6f, 1e-6f, $"Multiply in place {shape}");
        }
    }

    [Fact]
    public void CopyColumns_matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
        {
            var (src, srcr) = RandomPair(rows, cols, 7);
            int dstCols = cols + 5;
            var (dst, dstr) = RandomPair(rows, dstCols, 8);
            foreach (var (srcColumn, dstColumn, count) in new[] { (0, 0, cols), (cols / 2, 3, cols - cols / 2), (cols - 1, dstCols - 1, 1), (0, 2, 0) })
            {
                Backend.CopyColumns(src, srcColumn, dst, dstColumn, count);
                Reference.CopyColumns(srcr, srcColumn, dstr, dstColumn, count);
                AssertClose(dstr, dst, 0f, 0f, $"CopyColumns {rows}×{cols} → {rows}×{dstCols} [{srcColumn}+{count}] → [{dstColumn}]");
            }
        }
    }
}
