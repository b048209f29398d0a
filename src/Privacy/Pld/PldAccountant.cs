using System.Numerics;

namespace DpSynth.Privacy.Pld;

/// <summary>ε from the PLD accountant with its stated discretisation error.</summary>
/// <param name="Epsilon">An upper bound on the true ε (pessimistic discretisation).</param>
/// <param name="DiscretisationInterval">The loss grid spacing Δ used.</param>
/// <param name="ErrorEstimate">
/// ε(2Δ) − ε(Δ): how much ε moved when the grid was coarsened by 2. If the error shrinks like
/// Δᵖ with p ≥ 1 this is at least the distance to the true ε; NaN when not computed.
/// </param>
public readonly record struct PldEpsilon(double Epsilon, double DiscretisationInterval, double ErrorEstimate);

/// <summary>
/// Privacy-loss-distribution accountant (Meiser &amp; Mohammadi 2018; Koskela, Jälkö &amp; Honkela 2020;
/// Doroshenko et al. 2022) for add/remove neighbours. Each stage's loss is discretised
/// pessimistically on a common grid, stages and their repetitions are composed in the Fourier
/// domain — T identical steps by raising the characteristic function to the power T — and one
/// inverse FFT returns the composed distribution. The window the FFT covers is chosen with a
/// Chernoff bound, and the probability it can miss is added to the mass at +∞, so the result
/// stays an upper bound. Memory is a few arrays of the window's size, independent of T.
/// </summary>
public sealed class PldAccountant
{
    /// <summary>Largest FFT size; wider loss ranges coarsen the grid instead of growing memory (2²⁰ complex values = 16 MiB per array).</summary>
    public const int MaxGridSize = 1 << 20;

    /// <summary>Creates an accountant.</summary>
    /// <param name="discretisationInterval">Requested loss grid spacing Δ (default 1e-4).</param>
    /// <param name="truncationMass">Total probability allowed to be cut off from tails and counted at +∞ (default 1e-15).</param>
    public PldAccountant(double discretisationInterval = 1e-4, double truncationMass = 1e-15)
    {
        CostValidation.Positive(discretisationInterval, "discretisation interval");
        if (!(truncationMass > 0 && truncationMass < 1e-6))
            throw new ArgumentOutOfRangeException(nameof(truncationMass), truncationMass, "truncation mass must be in (0, 1e-6)");
        DiscretisationInterval = discretisationInterval;
        TruncationMass = truncationMass;
    }

    /// <summary>Requested loss grid spacing Δ.</summary>
    public double DiscretisationInterval { get; }

    /// <summary>Probability mass allowed to be cut off from tails (it is added to δ).</summary>
    public double TruncationMass { get; }

    /// <summary>ε at δ for <paramref name="steps"/> steps of the Poisson-subsampled Gaussian.</summary>
    /// <param name="sampleRate">q ∈ (0, 1].</param>
    /// <param name="noiseMultiplier">σ &gt; 0.</param>
    /// <param name="steps">Number of steps ≥ 1.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <param name="estimateError">Also compose on a grid twice as coarse to estimate the discretisation error.</param>
    public PldEpsilon Epsilon(double sampleRate, double noiseMultiplier, long steps, double delta, bool estimateError = true)
        => Epsilon([new SubsampledGaussianCost(noiseMultiplier, sampleRate, steps)], delta, estimateError);

    /// <summary>ε at δ of a sequence of (possibly heterogeneous) stages.</summary>
    /// <param name="costs">The stages' costs.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <param name="estimateError">Also compose on a grid twice as coarse to estimate the discretisation error.</param>
    public PldEpsilon Epsilon(IReadOnlyList<PrivacyCost> costs, double delta, bool estimateError = true)
    {
        CostValidation.Delta(delta);
        var fine = Compose(costs);
        double eps = fine.EpsilonAt(delta);
        double error = double.NaN;
        if (estimateError)
        {
            var coarse = Compose(costs, fine.DiscretisationInterval * 2).EpsilonAt(delta);
            error = Math.Max(0, coarse - eps);
        }
        return new PldEpsilon(eps, fine.DiscretisationInterval, error);
    }

    /// <summary>δ at ε of a sequence of stages (an upper bound).</summary>
    /// <param name="costs">The stages' costs.</param>
    /// <param name="epsilon">ε ≥ 0.</param>
    public double Delta(IReadOnlyList<PrivacyCost> costs, double epsilon) => Compose(costs).DeltaAt(epsilon);

    /// <summary>Composes the stages into one privacy loss distribution.</summary>
    /// <param name="costs">The stages' costs (at least one).</param>
    public PrivacyLossDistribution Compose(IReadOnlyList<PrivacyCost> costs) => Compose(costs, DiscretisationInterval);

    private PrivacyLossDistribution Compose(IReadOnlyList<PrivacyCost> costs, double interval)
    {
        if (costs.Count == 0) throw new ArgumentException("nothing to compose", nameof(costs));
        foreach (var c in costs) c.Validate();
        // Stages with the same per-step loss are one group whose characteristic function is raised
        // to the summed count: one FFT per distinct mechanism instead of one per stage.
        var models = costs.GroupBy(c => c.LossModelKey)
            .Select(g => (Model: g.First().LossModel, Repetitions: g.Sum(c => c.Repetitions))).ToArray();
        double tailPerStep = TruncationMass / 4 / costs.Sum(c => (double)c.Repetitions);
        var directions = models.All(m => m.Model.IsSymmetric)
            ? [LossDirection.Remove]
            : new[] { LossDirection.Remove, LossDirection.Add };
        while (true)
        {
            // A grid too fine for the loss range is coarsened (doubling Δ) instead of growing memory:
            // first so that each single step fits, then so that the composed window does.
            if (!SingleStepsFit(models, interval, tailPerStep)) { interval *= 2; continue; }
            var discretised = directions.Select(d => Discretise(models, d, interval, tailPerStep)).ToArray();
            if (discretised.Any(x => x.Window.MaxIndex - x.Window.MinIndex + 1 > MaxGridSize)) { interval *= 2; continue; }
            var composed = discretised.Select(x => ComposeInFourierDomain(x.Pmfs, x.Window, interval)).ToArray();
            return new PrivacyLossDistribution(interval, composed);
        }
    }

    internal static bool SingleStepsFit((IPrivacyLossModel Model, long Repetitions)[] models, double interval, double tail)
    {
        foreach (var (model, _) in models)
            foreach (var d in new[] { LossDirection.Remove, LossDirection.Add })
            {
                var (min, max) = model.LossRange(d, tail);
                if ((max - min) / interval + 2 > MaxGridSize) return false;
            }
        return true;
    }

    private ((LossPmf Pmf, long Repetitions)[] Pmfs, (long MinIndex, long MaxIndex, double[] LogMgfUpper) Window) Discretise(
        (IPrivacyLossModel Model, long Repetitions)[] models, LossDirection direction, double interval, double tailPerStep)
    {
        var pmfs = models.Select(m => (Pmf: m.Model.Discretise(interval, direction, tailPerStep), m.Repetitions)).ToArray();
        return (pmfs, ChernoffWindow.Find(pmfs, TruncationMass / 2));
    }

    private static ComposedLoss ComposeInFourierDomain((LossPmf Pmf, long Repetitions)[] pmfs,
        (long MinIndex, long MaxIndex, double[] LogMgfUpper) window, double interval)
    {
        int size = FftSize(window.MaxIndex - window.MinIndex + 1);

        // Characteristic function of the composition = product of each step's, raised to its count.
        var product = new Complex[size];
        var buffer = new Complex[size];
        Array.Fill(product, Complex.One);
        double logFinite = 0; // log P(no step hits +∞)
        foreach (var (pmf, reps) in pmfs)
        {
            MultiplySpectrum(product, pmf, reps, buffer);
            logFinite += reps * MathNet.Numerics.SpecialFunctions.Log1p(-pmf.InfinityMass);
        }
        buffer = null!;
        double supportMax = pmfs.Sum(p => p.Repetitions * (double)p.Pmf.MaxIndex) * interval;
        return FromSpectrum(product, window.MinIndex, window.LogMgfUpper, supportMax, logFinite, interval);
    }

    /// <summary>The smallest power-of-two FFT size (at least 64) that holds <paramref name="width"/> grid points.</summary>
    internal static int FftSize(long width)
    {
        int size = 64;
        while (size < width) size *= 2;
        return size;
    }

    /// <summary>Multiplies <paramref name="product"/> by the characteristic function of <paramref name="pmf"/> raised to <paramref name="reps"/>, at the product's size.</summary>
    internal static void MultiplySpectrum(Complex[] product, LossPmf pmf, long reps, Complex[]? buffer = null)
    {
        int size = product.Length;
        buffer ??= new Complex[size];
        Array.Clear(buffer);
        for (int i = 0; i < pmf.Mass.Length; i++)
            buffer[(int)Modulo(pmf.MinIndex + i, size)] += pmf.Mass[i];
        Radix2Fft.Transform(buffer, inverse: false);
        for (int j = 0; j < size; j++) product[j] *= reps == 1 ? buffer[j] : Power(buffer[j], reps);
    }

    /// <summary>
    /// z^n by repeated squaring: about 2·log₂ n complex products instead of Complex.Pow's logarithm,
    /// exponential and trigonometry, with the same conditioning (z's own error is raised n-fold either way).
    /// </summary>
    internal static Complex Power(Complex z, long n)
    {
        Complex result = Complex.One;
        while (n > 0)
        {
            if ((n & 1) != 0) result *= z;
            n >>= 1;
            if (n > 0) z *= z;
        }
        return result;
    }

    /// <summary>
    /// Turns a product of characteristic functions into the composed loss on the window starting at
    /// <paramref name="minIndex"/>. Transforms <paramref name="product"/> in place.
    /// </summary>
    internal static ComposedLoss FromSpectrum(Complex[] product, long minIndex, double[] logMgfUpper, double supportMaxLoss,
        double logFinite, double interval)
    {
        int size = product.Length;
        Radix2Fft.Transform(product, inverse: true);

        // Position r holds loss index j ≡ r (mod size) with j in [MinIndex, MinIndex + size).
        // Mass below the window wraps to higher losses (pessimistic); mass above it wraps to
        // lower losses, so its Chernoff bound is added to +∞ instead.
        var mass = new double[size];
        for (int r = 0; r < size; r++)
        {
            long j = minIndex + Modulo(r - minIndex, size);
            mass[j - minIndex] = Math.Max(0, product[r].Real); // clamp FFT round-off below zero
        }
        double aboveWindow = ChernoffWindow.UpperTailBound(logMgfUpper, supportMaxLoss, (minIndex + size) * interval);
        double infinity = -Numerics.Exponential.MinusOne(logFinite) + aboveWindow;
        return new ComposedLoss(interval, minIndex, mass, infinity);
    }

    internal static long Modulo(long a, long m) => ((a % m) + m) % m;
}
