using System.Numerics;
using System.Runtime.CompilerServices;

namespace DpSynth.Kernels.Random;

/// <summary>
/// The ChaCha20 block function of RFC 8439 §2.3 (20 rounds, "expand 32-byte k" constants).
/// DpSynth addresses the keystream with a 64-bit block counter in state words 12–13 and a 64-bit
/// stream id in words 14–15 (the original Bernstein layout); the block function itself is the RFC's,
/// and is tested against its §2.3.2 vector.
/// </summary>
public static class ChaCha20
{
    /// <summary>"expa", "nd 3", "2-by", "te k" as little-endian words.</summary>
    public const uint C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574;

    /// <summary>Runs the block function on a full 16-word input state; writes the 16 output words.</summary>
    public static void Block(ReadOnlySpan<uint> state, Span<uint> output)
    {
        if (state.Length != 16 || output.Length < 16) throw new ArgumentException("ChaCha20 works on 16-word states.");
        uint x0 = state[0], x1 = state[1], x2 = state[2], x3 = state[3];
        uint x4 = state[4], x5 = state[5], x6 = state[6], x7 = state[7];
        uint x8 = state[8], x9 = state[9], x10 = state[10], x11 = state[11];
        uint x12 = state[12], x13 = state[13], x14 = state[14], x15 = state[15];
        for (int i = 0; i < 10; i++)
        {
            QuarterRound(ref x0, ref x4, ref x8, ref x12);
            QuarterRound(ref x1, ref x5, ref x9, ref x13);
            QuarterRound(ref x2, ref x6, ref x10, ref x14);
            QuarterRound(ref x3, ref x7, ref x11, ref x15);
            QuarterRound(ref x0, ref x5, ref x10, ref x15);
            QuarterRound(ref x1, ref x6, ref x11, ref x12);
            QuarterRound(ref x2, ref x7, ref x8, ref x13);
            QuarterRound(ref x3, ref x4, ref x9, ref x14);
        }
        output[0] = x0 + state[0]; output[1] = x1 + state[1]; output[2] = x2 + state[2]; output[3] = x3 + state[3];
        output[4] = x4 + state[4]; output[5] = x5 + state[5]; output[6] = x6 + state[6]; output[7] = x7 + state[7];
        output[8] = x8 + state[8]; output[9] = x9 + state[9]; output[10] = x10 + state[10]; output[11] = x11 + state[11];
        output[12] = x12 + state[12]; output[13] = x13 + state[13]; output[14] = x14 + state[14]; output[15] = x15 + state[15];
    }

    /// <summary>Keystream block <paramref name="blockIndex"/> of <paramref name="key"/>'s stream.</summary>
    public static void KeystreamBlock(NoiseKey key, ulong blockIndex, Span<uint> output)
    {
        Span<uint> state = stackalloc uint[16];
        InitialState(key, blockIndex, state);
        Block(state, output);
    }

    /// <summary>The DpSynth input state: constants, key, 64-bit block counter, 64-bit stream id.</summary>
    public static void InitialState(NoiseKey key, ulong blockIndex, Span<uint> state)
    {
        state[0] = C0; state[1] = C1; state[2] = C2; state[3] = C3;
        key.Words.CopyTo(state[4..12]);
        state[12] = (uint)blockIndex;
        state[13] = (uint)(blockIndex >> 32);
        state[14] = (uint)key.StreamId;
        state[15] = (uint)(key.StreamId >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuarterRound(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b; d ^= a; d = BitOperations.RotateLeft(d, 16);
        c += d; b ^= c; b = BitOperations.RotateLeft(b, 12);
        a += b; d ^= a; d = BitOperations.RotateLeft(d, 8);
        c += d; b ^= c; b = BitOperations.RotateLeft(b, 7);
    }
}
