namespace DpSynth.Kernels.Random;

/// <summary>
/// Every ChaCha20 stream id and every seed salt DpSynth uses, in one table, so that no two uses of
/// randomness can share a stream by accident (a test checks the table's values — and the ranges of
/// the indexed families — are distinct). A ChaCha stream is selected by its id under one key
/// (<see cref="NoiseKey.WithStream"/>); a salt is XOR-ed into a user seed for the seeded
/// (xoshiro) sources of the DP statistics. Add a new use here, never a literal at the call site.
/// </summary>
public static class NoiseStreams
{
    /// <summary>Bound on the index of an indexed family (copies, diffusion levels): a family occupies [base, base + this).</summary>
    public const ulong FamilyWidth = 1UL << 32;

    // ChaCha20 stream ids (under the fit's or the sample's key).

    /// <summary>DP-SGD gradient noise (the key's default stream).</summary>
    public const ulong TrainingNoise = 0;

    /// <summary>Poisson sampling of DP-SGD minibatches.</summary>
    public const ulong PoissonSampling = 0x504F4953534F4E00UL; // "POISSON\0"

    /// <summary>Per-example objective's own randomness (DPVI's reparameterisation draws).</summary>
    public const ulong Objective = 0x4F424A4543540000UL; // "OBJECT\0\0"

    /// <summary>TableDiffusion's forward-process noise during training.</summary>
    public const ulong DiffusionForwardNoise = 0x4446464E4F495345UL; // "DFFNOISE"

    /// <summary>Uniforms choosing each record's diffusion levels.</summary>
    public const ulong DiffusionLevelChoice = 0x4C4556454C534554UL; // "LEVELSET"

    /// <summary>TableDiffusion's sampling noise; its reverse steps use the family <c>+ 1 + t</c> (indexed).</summary>
    public const ulong DiffusionSampling = 0x53414D504C494E47UL; // "SAMPLING"

    /// <summary>TableDiffusion's marginal-calibration run (never used for output rows).</summary>
    public const ulong DiffusionCalibration = 0x43414C4942524154UL; // "CALIBRAT"

    /// <summary>Uniforms drawing categories from the predicted softmax.</summary>
    public const ulong DiffusionCategory = 0x43415445474F5259UL; // "CATEGORY"

    /// <summary>Uniforms placing values inside their numeric bins.</summary>
    public const ulong DiffusionBinPosition = 0x42494E504F534954UL; // "BINPOSIT"

    /// <summary>DPVI's data-independent initial posterior means.</summary>
    public const ulong DpviInit = 0x4450564949000000UL; // "DPVII"

    /// <summary>DPVI's posterior draws (one range per copy, addressed by offset).</summary>
    public const ulong DpviPosterior = 0x4450564950000000UL; // "DPVIP"

    /// <summary>DPVI's synthetic rows; copy c uses <c>+ c</c> (indexed).</summary>
    public const ulong DpviRows = 0x4450564952000000UL; // "DPVIR"

    /// <summary>The Lipschitz VAE's latent noise during training (not the release mechanism's).</summary>
    public const ulong LvaeTrainingLatent = 0x4C56414554524E00UL; // "LVAETRN"

    /// <summary>The Lipschitz VAE's prior draws z ~ N(0, I) (prior mode).</summary>
    public const ulong LvaePrior = 0x4C56414550524900UL; // "LVAEPRI"

    /// <summary>The Lipschitz VAE's release noise σ·ξ of twins mode: the Gaussian mechanism itself.</summary>
    public const ulong LvaeRelease = 0x4C56414552454C00UL; // "LVAEREL"

    /// <summary>The Lipschitz VAE's post-processing draws of twins mode (posterior of μ given the released z).</summary>
    public const ulong LvaePosterior = 0x4C56414550535400UL; // "LVAEPST"

    /// <summary>Uniforms drawing the Lipschitz VAE's categories from the decoder's softmax.</summary>
    public const ulong LvaeCategory = 0x4C56414543415400UL; // "LVAECAT"

    /// <summary>The Lipschitz VAE decoder's Gaussian noise on numeric values at sampling.</summary>
    public const ulong LvaeDecoder = 0x4C56414544454300UL; // "LVAEDEC"

    /// <summary>The certificate checker's empirical privacy-loss draws (never used for output rows).</summary>
    public const ulong LvaeCertificate = 0x4C56414543455200UL; // "LVAECER"
    /// <summary>Stimuli search: each stimulus's class, threshold and latent z.</summary>
    public const ulong StimulusDraws = 0x5354494D44524157UL; // "STIMDRAW"

    /// <summary>Stimuli search: the generators' (re-)initial weights.</summary>
    public const ulong StimulusGeneratorInit = 0x5354494D494E4954UL; // "STIMINIT"

    // Salts XOR-ed into a user seed for the seeded sources of DP statistics (with no seed they use the OS CSPRNG).

    /// <summary>The encoder's DP bounds, quantiles and category discovery (the seed itself).</summary>
    public const ulong EncoderSalt = 0;

    /// <summary>TableDiffusion's DP span marginals.</summary>
    public const ulong MarginalsSalt = 0x4D415247494E414CUL; // "MARGINAL"

    /// <summary>The DP row count.</summary>
    public const ulong RowCountSalt = 0x524F57434F554E54UL; // "ROWCOUNT"

    /// <summary>The stream ids of the table, with their names (for the distinctness test and diagnostics).</summary>
    public static IReadOnlyList<(string Name, ulong Id, bool Indexed)> StreamIds { get; } =
    [
        (nameof(TrainingNoise), TrainingNoise, false),
        (nameof(PoissonSampling), PoissonSampling, false),
        (nameof(Objective), Objective, false),
        (nameof(DiffusionForwardNoise), DiffusionForwardNoise, false),
        (nameof(DiffusionLevelChoice), DiffusionLevelChoice, false),
        (nameof(DiffusionSampling), DiffusionSampling, true),
        (nameof(DiffusionCalibration), DiffusionCalibration, false),
        (nameof(DiffusionCategory), DiffusionCategory, false),
        (nameof(DiffusionBinPosition), DiffusionBinPosition, false),
        (nameof(DpviInit), DpviInit, false),
        (nameof(DpviPosterior), DpviPosterior, false),
        (nameof(DpviRows), DpviRows, true),
        (nameof(LvaeTrainingLatent), LvaeTrainingLatent, false),
        (nameof(LvaePrior), LvaePrior, false),
        (nameof(LvaeRelease), LvaeRelease, false),
        (nameof(LvaePosterior), LvaePosterior, false),
        (nameof(LvaeCategory), LvaeCategory, false),
        (nameof(LvaeDecoder), LvaeDecoder, false),
        (nameof(LvaeCertificate), LvaeCertificate, false),
        (nameof(StimulusDraws), StimulusDraws, false),
        (nameof(StimulusGeneratorInit), StimulusGeneratorInit, false),
    ];

    /// <summary>The seed salts of the table, with their names.</summary>
    public static IReadOnlyList<(string Name, ulong Salt)> SeedSalts { get; } =
    [
        (nameof(EncoderSalt), EncoderSalt),
        (nameof(MarginalsSalt), MarginalsSalt),
        (nameof(RowCountSalt), RowCountSalt),
    ];
}
