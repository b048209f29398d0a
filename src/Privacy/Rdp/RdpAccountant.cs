namespace DpSynth.Privacy.Rdp;

/// <summary>ε from a Rényi-DP curve, with the order that attained it.</summary>
/// <param name="Epsilon">The smallest ε over the order grid (+∞ when no order gives a finite value).</param>
/// <param name="Order">The Rényi order α that attained <paramref name="Epsilon"/> (NaN when none did).</param>
public readonly record struct RdpEpsilon(double Epsilon, double Order);

/// <summary>
/// Rényi-DP accountant (Mironov 2017) for stages expressed as <see cref="PrivacyCost"/>s:
/// RDP curves add over stages and are converted to (ε, δ) with the bound of Balle, Barthe,
/// Gaboardi, Hsu &amp; Sato, "Hypothesis testing interpretations and Rényi DP" (2020, Thm. 21),
/// the conversion Opacus uses: ε = RDP(α) − (log δ + log α)/(α − 1) + log((α − 1)/α).
/// Neighbouring relation: add/remove one record.
/// </summary>
public static class RdpAccountant
{
    /// <summary>
    /// The default order grid, identical to Opacus' so that reference values match:
    /// α ∈ {1 + x/10 : x = 1…99} ∪ {12, 13, …, 63}.
    /// </summary>
    public static IReadOnlyList<double> DefaultOrders { get; } = BuildDefaultOrders();

    private static double[] BuildDefaultOrders()
    {
        var orders = new List<double>();
        for (int x = 1; x <= 99; x++) orders.Add(1 + x / 10.0);
        for (int a = 12; a < 64; a++) orders.Add(a);
        return orders.ToArray();
    }

    /// <summary>RDP at order α of one step of the Poisson-subsampled Gaussian (Mironov, Talwar &amp; Zhang 2019).</summary>
    /// <param name="sampleRate">Poisson sampling probability q ∈ [0, 1].</param>
    /// <param name="noiseMultiplier">Noise standard deviation divided by the L2 sensitivity, σ &gt; 0.</param>
    /// <param name="order">Rényi order α &gt; 1 (integer or fractional).</param>
    public static double SubsampledGaussian(double sampleRate, double noiseMultiplier, double order)
    {
        CostValidation.SampleRate(sampleRate, allowZero: true);
        CostValidation.Positive(noiseMultiplier, "noise multiplier");
        if (!(order > 1)) throw new ArgumentOutOfRangeException(nameof(order), order, "Rényi order must exceed 1");
        return SubsampledGaussianRdp.Compute(sampleRate, noiseMultiplier, order);
    }

    /// <summary>
    /// Converts an RDP curve to ε at δ with Balle et al. (2020, Thm. 21) and returns the best order.
    /// </summary>
    /// <param name="orders">Rényi orders, each &gt; 1.</param>
    /// <param name="rdp">The RDP value at each order (may be +∞).</param>
    /// <param name="delta">Target δ ∈ (0, 1).</param>
    public static RdpEpsilon EpsilonFromRdp(IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double delta)
    {
        if (orders.Count != rdp.Count) throw new ArgumentException("orders and RDP values differ in length");
        CostValidation.Delta(delta);
        var best = new RdpEpsilon(double.PositiveInfinity, double.NaN);
        for (int i = 0; i < orders.Count; i++)
        {
            double a = orders[i];
            double eps = rdp[i] - (Math.Log(delta) + Math.Log(a)) / (a - 1) + Math.Log((a - 1) / a);
            if (!double.IsNaN(eps) && eps < best.Epsilon) best = new RdpEpsilon(eps, a);
        }
        return best.Epsilon < 0 ? best with { Epsilon = 0 } : best;
    }

    /// <summary>ε at δ of <paramref name="steps"/> steps of the Poisson-subsampled Gaussian.</summary>
    /// <param name="sampleRate">Poisson sampling probability q ∈ (0, 1].</param>
    /// <param name="noiseMultiplier">σ &gt; 0.</param>
    /// <param name="steps">Number of steps (≥ 1).</param>
    /// <param name="delta">Target δ ∈ (0, 1).</param>
    /// <param name="orders">Order grid; <see cref="DefaultOrders"/> when null.</param>
    public static RdpEpsilon Epsilon(double sampleRate, double noiseMultiplier, long steps, double delta,
        IReadOnlyList<double>? orders = null)
        => Epsilon([new SubsampledGaussianCost(noiseMultiplier, sampleRate, steps)], delta, orders);

    /// <summary>
    /// ε at δ of a sequence of stages. Stages with an RDP curve are composed by adding curves;
    /// the additive (ε, δ) parts of other stages (e.g. a histogram's threshold δ) are composed
    /// with basic composition: ε = ε_RDP(δ − Σδᵢ) + Σεᵢ.
    /// </summary>
    /// <param name="costs">The stages' costs, in any order.</param>
    /// <param name="delta">Target δ ∈ (0, 1).</param>
    /// <param name="orders">Order grid; <see cref="DefaultOrders"/> when null.</param>
    public static RdpEpsilon Epsilon(IReadOnlyList<PrivacyCost> costs, double delta, IReadOnlyList<double>? orders = null)
    {
        CostValidation.Delta(delta);
        orders ??= DefaultOrders;
        double extraEps = 0, extraDelta = 0;
        foreach (var c in costs)
        {
            c.Validate();
            extraEps += c.AdditiveEpsilon;
            extraDelta += c.AdditiveDelta;
        }
        double remaining = delta - extraDelta;
        if (!(remaining > 0)) return new RdpEpsilon(double.PositiveInfinity, double.NaN);
        if (costs.All(c => !c.HasRdpCurve)) return new RdpEpsilon(extraEps, double.NaN);
        var rdp = new double[orders.Count];
        for (int i = 0; i < orders.Count; i++)
            foreach (var c in costs) rdp[i] += c.RdpAt(orders[i]);
        var r = EpsilonFromRdp(orders, rdp, remaining);
        return r with { Epsilon = r.Epsilon + extraEps };
    }
}
