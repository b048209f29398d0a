using System.Security.Cryptography;

namespace DpSynth.Privacy.Randomness;

/// <summary>Where a mechanism's randomness came from, as written into the privacy ledger.</summary>
public enum RandomnessKind
{
    /// <summary>The operating system's CSPRNG — the only source whose noise is secret.</summary>
    Csprng,
    /// <summary>A user-supplied seed: reproducible, but anyone with the seed can remove the noise, so no privacy holds.</summary>
    UserSeed,
}

/// <summary>The randomness source recorded in a ledger.</summary>
/// <param name="Kind">CSPRNG or user seed.</param>
/// <param name="Seed">The seed when <paramref name="Kind"/> is <see cref="RandomnessKind.UserSeed"/>.</param>
public sealed record RandomnessRecord(RandomnessKind Kind, ulong? Seed = null);

/// <summary>A source of uniformly random bytes for the privacy mechanisms.</summary>
public interface IRandomSource
{
    /// <summary>Fills the span with random bytes.</summary>
    /// <param name="destination">Bytes to overwrite.</param>
    void Fill(Span<byte> destination);

    /// <summary>How this source is recorded in the ledger.</summary>
    RandomnessRecord Record { get; }
}

/// <summary>The OS CSPRNG (<see cref="RandomNumberGenerator"/>); the default for every mechanism.</summary>
public sealed class CryptoRandomSource : IRandomSource
{
    /// <inheritdoc />
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    /// <inheritdoc />
    public RandomnessRecord Record { get; } = new(RandomnessKind.Csprng);
}

/// <summary>
/// A seeded, non-cryptographic generator (xoshiro256**, seeded through SplitMix64) for tests and
/// reproducible experiments. It is recorded as <see cref="RandomnessKind.UserSeed"/>: its noise
/// gives no privacy to anyone who knows the seed.
/// </summary>
public sealed class SeededRandomSource : IRandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates the generator from a seed.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public SeededRandomSource(ulong seed)
    {
        Record = new RandomnessRecord(RandomnessKind.UserSeed, seed);
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    /// <inheritdoc />
    public RandomnessRecord Record { get; }

    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < destination.Length; i += 8)
        {
            BitConverter.TryWriteBytes(word, Next());
            word[..Math.Min(8, destination.Length - i)].CopyTo(destination[i..]);
        }
    }

    private ulong Next()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
