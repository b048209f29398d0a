using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins;

/// <summary>Settings of <see cref="TwinAnalysis.LocalPlusTwins"/>.</summary>
public sealed record TwinAnalysisOptions
{
    /// <summary>Category coding and missing-row policy.</summary>
    public DesignOptions Design { get; init; } = new();

    /// <summary>Convergence settings of each fit.</summary>
    public GlmFitOptions Fit { get; init; } = new();

    /// <summary>Within-dataset variance pooled by Rubin's rules (robust HC1 by default, as the issue asks).</summary>
    public CovarianceKind Covariance { get; init; } = CovarianceKind.Robust;

    /// <summary>n_syn/n for the T ≤ 0 fallback of <see cref="RubinPooling"/> (1 when twins have their originals' sizes).</summary>
    public double SyntheticToOriginalRatio { get; init; } = 1;
}

/// <summary>The outcome of a local-plus-twins analysis.</summary>
/// <param name="Layout">The coding shared by all combined fits (built over local data and every twin).</param>
/// <param name="LocalFit">The fit to the local data alone, coded from the local data; null when it failed.</param>
/// <param name="LocalFitError">Why the local fit failed (e.g. separation in a small party), or null.</param>
/// <param name="CombinedFits">Fit m to local ∪ (copy m of each other party's twin), m = 1..M.</param>
/// <param name="Pooled">The combined fits pooled by Rubin's rules for fully synthetic data.</param>
public sealed record TwinAnalysisResult(
    DesignLayout Layout, GlmFit? LocalFit, string? LocalFitError, IReadOnlyList<GlmFit> CombinedFits, PooledFit Pooled);

/// <summary>
/// The analyst's side of collaborative learning with synthetic twins (Prediger, Jälkö, Honkela &amp;
/// Kaski 2023): a party holding local data D receives from each of the other K parties M synthetic
/// copies S_k^(1..M). It forms M combined datasets C_m = D ∪ S_1^(m) ∪ … ∪ S_K^(m) — copy m of
/// every twin joins one combined dataset, so that across m only the twins' draws vary — fits the
/// model to each C_m, and pools the M fits with Rubin's rules for fully synthetic data
/// (<see cref="RubinPooling"/>): q̄ = mean of the M estimates, T = (1 + 1/M)·B − Ū, with the
/// (n_syn/n)·Ū fallback when T ≤ 0. The local-only fit is returned beside it for comparison.
/// </summary>
public static class TwinAnalysis
{
    /// <summary>Runs the local-plus-twins analysis.</summary>
    /// <param name="local">The party's own data.</param>
    /// <param name="twinsByParty">For each other party, its M synthetic copies (the same M for every party, M ≥ 2).</param>
    /// <param name="formula">The regression formula.</param>
    /// <param name="family">Logistic or Poisson.</param>
    /// <param name="options">Coding, fitting and pooling settings.</param>
    /// <exception cref="TableFormatException">A twin's columns or levels differ from the local data's.</exception>
    /// <exception cref="GlmFitException">A combined dataset cannot be fitted.</exception>
    public static TwinAnalysisResult LocalPlusTwins(Table local, IReadOnlyList<IReadOnlyList<Table>> twinsByParty,
        Formula formula, GlmFamily family, TwinAnalysisOptions? options = null)
    {
        options ??= new TwinAnalysisOptions();
        if (twinsByParty.Count == 0) throw new ArgumentException("At least one other party's twins are needed.", nameof(twinsByParty));
        int copies = twinsByParty[0].Count;
        for (int k = 0; k < twinsByParty.Count; k++)
            if (twinsByParty[k].Count != copies)
                throw new ArgumentException($"Every party must supply the same number of synthetic copies: party 1 has {copies}, party {k + 1} has {twinsByParty[k].Count}.", nameof(twinsByParty));
        if (copies < 2) throw new ArgumentException($"Pooling needs at least 2 synthetic copies per party, got {copies}.", nameof(twinsByParty));

        // One layout over everything, local first: the local data fixes kinds and default
        // references, and a level that only some twins have still gets its own coefficient.
        var all = new List<Table> { local };
        foreach (var party in twinsByParty) all.AddRange(party);
        var layout = DesignLayout.Create(formula, all, options.Design);

        var fits = new GlmFit[copies];
        var combined = new Table[1 + twinsByParty.Count];
        for (int m = 0; m < copies; m++)
        {
            combined[0] = local;
            for (int k = 0; k < twinsByParty.Count; k++) combined[k + 1] = twinsByParty[k][m];
            fits[m] = GlmFitter.Fit(layout.Build(combined), family, options.Fit);
        }
        var pooled = RubinPooling.Pool(fits, options.Covariance, options.SyntheticToOriginalRatio);

        GlmFit? localFit = null;
        string? localError = null;
        try
        {
            var localLayout = DesignLayout.Create(formula, [local], options.Design);
            localFit = GlmFitter.Fit(localLayout.Build(local), family, options.Fit);
        }
        catch (GlmFitException e)
        {
            // A small party's own data may not support the model; the combined result still stands.
            localError = e.Message;
        }
        return new TwinAnalysisResult(layout, localFit, localError, fits, pooled);
    }
}
