using DpSynth.Kernels.Random;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Audit;

/// <summary>
/// Randomness for an audit: from the OS CSPRNG (the default, as in a real release), or derived from
/// a seed for a reproducible audit. Each use takes its own salt, so no two draws share a stream.
/// </summary>
/// <param name="Seed">The audit seed, or null for the CSPRNG.</param>
internal sealed record AuditRandomness(ulong? Seed)
{
    /// <summary>A ChaCha20 noise key for the use named by <paramref name="salt"/>.</summary>
    public NoiseKey Key(ulong salt) => Seed is ulong s ? NoiseKey.FromSeed(Mix(s, salt)) : NoiseKey.CreateSecure();

    /// <summary>A byte source for the mechanisms in <c>DpSynth.Privacy</c>.</summary>
    public IRandomSource Source(ulong salt) => Seed is ulong s ? new SeededRandomSource(Mix(s, salt)) : new CryptoRandomSource();

    /// <summary>A seed for a fit, or null (CSPRNG) when the audit has none.</summary>
    public ulong? FitSeed(ulong salt) => Seed is ulong s ? Mix(s, salt) : null;

    /// <summary>An ordinary generator for audit bookkeeping (canary coins, run order).</summary>
    public Xoshiro256StarStar Bookkeeping(ulong salt) => new(Seed is ulong s ? Mix(s, salt) : BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));

    private static ulong Mix(ulong seed, ulong salt)
    {
        ulong z = seed ^ (salt * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9UL;
        return z ^ (z >> 29);
    }
}
