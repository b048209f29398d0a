using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Tests.Random;

/// <summary>The table of noise streams: no two uses of randomness share a stream or a salt.</summary>
public sealed class NoiseStreamsTests
{
    [Fact]
    public void Every_stream_id_and_indexed_family_is_distinct()
    {
        var ids = NoiseStreams.StreamIds;
        Assert.Equal(ids.Count, ids.Select(x => x.Id).Distinct().Count());
        // An indexed family occupies [id, id + FamilyWidth]; no other id may fall inside it.
        foreach (var family in ids.Where(x => x.Indexed))
            foreach (var other in ids.Where(x => x.Name != family.Name))
                Assert.False(other.Id >= family.Id && other.Id - family.Id <= NoiseStreams.FamilyWidth,
                    $"{other.Name} lies inside the family of {family.Name}");
    }

    [Fact]
    public void The_table_lists_every_constant_it_declares()
    {
        var declared = typeof(NoiseStreams).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(ulong) && f.Name != nameof(NoiseStreams.FamilyWidth))
            .Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal);
        var listed = NoiseStreams.StreamIds.Select(x => x.Name).Concat(NoiseStreams.SeedSalts.Select(x => x.Name)).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(declared, listed);
    }

    [Fact]
    public void Every_seed_salt_is_distinct()
    {
        var salts = NoiseStreams.SeedSalts;
        Assert.Equal(salts.Count, salts.Select(x => x.Salt).Distinct().Count());
    }
}
