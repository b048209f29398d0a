namespace DpSynth.Kernels.Cases;

/// <summary>
/// How close an output must be to the scalar reference: |actual − expected| ≤ Absolute + Relative·|expected|
/// element-wise, with NaN expected only where NaN is produced. <see cref="Exact"/> compares bits.
/// </summary>
internal readonly record struct CaseTolerance(float Relative, float Absolute, bool Exact = false)
{
    /// <summary>Bit-for-bit equality (the noise stream, copies).</summary>
    public static CaseTolerance Bitwise => new(0f, 0f, Exact: true);

    /// <summary>
    /// How much of the allowance an element uses: 0 when equal, ≤ 1 when accepted, +∞ for a NaN
    /// mismatch or (exact rows) any bit difference.
    /// </summary>
    public double Ratio(float expected, float actual)
    {
        if (Exact) return BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) ? 0 : double.PositiveInfinity;
        if (float.IsNaN(expected) || float.IsNaN(actual)) return float.IsNaN(expected) && float.IsNaN(actual) ? 0 : double.PositiveInfinity;
        if (expected == actual) return 0; // equal infinities too
        double error = Math.Abs((double)actual - expected), allowed = Absolute + Relative * Math.Abs((double)expected);
        return allowed > 0 ? error / allowed : double.PositiveInfinity;
    }

    /// <inheritdoc />
    public override string ToString() => Exact ? "exact" : $"rtol {Relative:0.#e0} atol {Absolute:0.#e0}";
}
