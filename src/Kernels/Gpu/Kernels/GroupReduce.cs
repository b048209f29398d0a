using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Reductions across one thread group: a butterfly of warp shuffles inside each warp (no shared
/// memory, no barrier), then one shared slot per warp summed by every thread in the same fixed
/// order — so every thread gets the identical total and the result does not depend on timing.
/// Callers pass a 32-float shared scratch allocated once per kernel and must call these from
/// uniform control flow (they contain group barriers).
/// </summary>
internal static class GroupReduce
{
    /// <summary>Most warps a group may have: 1024 threads in warps of 32 (or 256 in warps of 8).</summary>
    public const int MaxWarps = 32;

    /// <summary>Sum over the warp, returned to every lane.</summary>
    public static float WarpSum(float value)
    {
        for (int mask = Warp.WarpSize / 2; mask > 0; mask >>= 1)
            value += Warp.ShuffleXor(value, mask);
        return value;
    }

    /// <summary>Maximum over the warp, returned to every lane.</summary>
    public static float WarpMax(float value)
    {
        for (int mask = Warp.WarpSize / 2; mask > 0; mask >>= 1)
        {
            float other = Warp.ShuffleXor(value, mask);
            value = other > value ? other : value;
        }
        return value;
    }

    /// <summary>Sum over the group, returned to every thread.</summary>
    public static float Sum(float value, ArrayView<float> scratch)
    {
        value = WarpSum(value);
        if (Warp.LaneIdx == 0) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        float total = 0f;
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 0; w < warps; w++) total += scratch[w];
        // Second barrier: the scratch is reused by the caller's next reduction.
        Group.Barrier();
        return total;
    }

    /// <summary>
    /// Two sums over the group in one pass (one pair of barriers instead of two); needs a scratch of
    /// 2·<see cref="MaxWarps"/> floats.
    /// </summary>
    public static SumPair Sum2(float first, float second, ArrayView<float> scratch)
    {
        first = WarpSum(first);
        second = WarpSum(second);
        if (Warp.LaneIdx == 0)
        {
            scratch[Warp.WarpIdx] = first;
            scratch[MaxWarps + Warp.WarpIdx] = second;
        }
        Group.Barrier();
        var total = new SumPair();
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 0; w < warps; w++)
        {
            total.First += scratch[w];
            total.Second += scratch[MaxWarps + w];
        }
        Group.Barrier();
        return total;
    }

    /// <summary>Maximum over the group, returned to every thread.</summary>
    public static float Max(float value, ArrayView<float> scratch)
    {
        value = WarpMax(value);
        if (Warp.LaneIdx == 0) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        float best = float.NegativeInfinity;
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 0; w < warps; w++)
        {
            float v = scratch[w];
            best = v > best ? v : best;
        }
        Group.Barrier();
        return best;
    }
}

/// <summary>The result of <see cref="GroupReduce.Sum2"/>.</summary>
internal struct SumPair
{
    public float First, Second;
}
