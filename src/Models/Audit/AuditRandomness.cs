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
    public IRandomSource Source(ulong salt) => Seed is ulong s ? new SeededRandomSource(Mix(s, salt)) : new BufferedCryptoSource();

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

/// <summary>
/// OS CSPRNG bytes fetched 64 KiB at a time: the same bytes as <see cref="CryptoRandomSource"/>, without
/// a system call per 8-byte draw (millions of audit draws would otherwise spend most of their time in
/// the kernel). Not thread-safe; an audit uses one per mechanism.
/// </summary>
internal sealed class BufferedCryptoSource : IRandomSource
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _next = 1 << 16;

    /// <inheritdoc />
    public RandomnessRecord Record { get; } = new(RandomnessKind.Csprng);

    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_next == _buffer.Length)
            {
                System.Security.Cryptography.RandomNumberGenerator.Fill(_buffer);
                _next = 0;
            }
            int take = Math.Min(destination.Length, _buffer.Length - _next);
            _buffer.AsSpan(_next, take).CopyTo(destination);
            _next += take;
            destination = destination[take..];
        }
    }
}
