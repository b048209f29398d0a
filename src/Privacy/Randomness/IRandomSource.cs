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
    private readonly Xoshiro256StarStar _generator;

    /// <summary>Creates the generator from a seed.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public SeededRandomSource(ulong seed)
    {
        Record = new RandomnessRecord(RandomnessKind.UserSeed, seed);
        _generator = new Xoshiro256StarStar(seed);
    }

    /// <inheritdoc />
    public RandomnessRecord Record { get; }

    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < destination.Length; i += 8)
        {
            BitConverter.TryWriteBytes(word, _generator.NextULong());
            word[..Math.Min(8, destination.Length - i)].CopyTo(destination[i..]);
        }
    }
}
