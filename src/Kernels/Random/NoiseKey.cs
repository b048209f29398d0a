using System.Security.Cryptography;

namespace DpSynth.Kernels.Random;

/// <summary>
/// The key of a counter-addressed ChaCha20 noise stream. Element e of the Gaussian stream is a
/// pure function of (key, stream id, e), so any range can be produced independently — on any
/// backend, any thread, any shard — and the CPU and GPU backends produce identical noise.
/// </summary>
public sealed class NoiseKey
{
    private readonly uint[] _key;

    private NoiseKey(uint[] key, ulong streamId, bool isSecure)
    {
        _key = key;
        StreamId = streamId;
        IsSecure = isSecure;
    }

    /// <summary>The 256-bit ChaCha20 key as eight little-endian words.</summary>
    public ReadOnlySpan<uint> Words => _key;

    /// <summary>Selects one of 2^64 independent streams under the same key (ChaCha state words 14–15).</summary>
    public ulong StreamId { get; }

    /// <summary>True when the key came from the OS CSPRNG; false for a user seed (reproducible, not secure).</summary>
    public bool IsSecure { get; }

    /// <summary>A key drawn from the operating system's CSPRNG — the default for any private release.</summary>
    public static NoiseKey CreateSecure(ulong streamId = 0)
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return new NoiseKey(ToWords(bytes), streamId, isSecure: true);
    }

    /// <summary>
    /// A key derived from a user seed, for tests and reproducible experiments. Anyone who knows the
    /// seed can subtract the noise, so results made this way must be recorded as not secure.
    /// </summary>
    public static NoiseKey FromSeed(ulong seed, ulong streamId = 0)
    {
        Span<byte> input = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(input, seed);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return new NoiseKey(ToWords(hash), streamId, isSecure: false);
    }

    /// <summary>A key given as raw words (test vectors).</summary>
    public static NoiseKey FromWords(ReadOnlySpan<uint> words, ulong streamId, bool isSecure = false)
    {
        if (words.Length != 8) throw new ArgumentException($"A ChaCha20 key has 8 words, got {words.Length}.");
        return new NoiseKey(words.ToArray(), streamId, isSecure);
    }

    /// <summary>The same key on another stream (e.g. one per training stage or per shard).</summary>
    public NoiseKey WithStream(ulong streamId) => new(_key, streamId, IsSecure);

    private static uint[] ToWords(ReadOnlySpan<byte> bytes)
    {
        var words = new uint[8];
        for (int i = 0; i < 8; i++) words[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
        return words;
    }
}
