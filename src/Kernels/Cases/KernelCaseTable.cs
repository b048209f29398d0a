namespace DpSynth.Kernels.Cases;

/// <summary>
/// The kernel case table: every row of every op family (each family's rows sit beside its
/// implementations in <c>Ops/&lt;Family&gt;/&lt;Family&gt;Cases.cs</c>). Conformance tests, the GPU check
/// and the benchmarks all read it, so adding an op means adding its rows here once.
/// </summary>
internal static class KernelCaseTable
{
    private static readonly Lazy<IReadOnlyList<KernelCase>> Rows = new(Build);
    private static readonly Lazy<Dictionary<string, KernelCase>> ByName = new(() => All.ToDictionary(r => r.Name));

    /// <summary>Every row, family by family.</summary>
    public static IReadOnlyList<KernelCase> All => Rows.Value;

    /// <summary>Rows of <paramref name="tier"/> and the cheaper tiers.</summary>
    public static IEnumerable<KernelCase> UpTo(CaseTier tier) => All.Where(r => r.Tier <= tier);

    /// <summary>The row called <paramref name="name"/>; <see cref="KeyNotFoundException"/> when there is none.</summary>
    public static KernelCase Find(string name)
        => ByName.Value.TryGetValue(name, out var row) ? row : throw new KeyNotFoundException($"No kernel case is called '{name}'.");

    private static IReadOnlyList<KernelCase> Build()
    {
        IEnumerable<KernelCase>[] families =
        [
            GemmCases.Rows(), ElementwiseCases.Rows(), ActivationCases.Rows(), SoftmaxCases.Rows(), LossCases.Rows(),
            LayerNormCases.Rows(), ClippingCases.Rows(), OptimiserCases.Rows(), NoiseCases.Rows(), PowerIterationCases.Rows(),
        ];
        var rows = families.SelectMany(f => f).ToList();
        var duplicate = rows.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two kernel cases are called '{duplicate.Key}'.");
        return rows;
    }
}
