using DpSynth.Models.Training;

namespace DpSynth.Models.Audit.DpSgd;

/// <summary>
/// The training set of a white-box DP-SGD audit: the included Dirac canaries and some background
/// records, for a bias-free linear model with one output on m inputs. Canary j is the input e_j
/// with a target so far from any prediction that the squared error's gradient, δ·e_j, has |δ| far
/// above the clip norm: clipping scales it to exactly C·e_j (up to sign), so each canary moves its own
/// weight and nothing else, by C per step in which it is sampled. Background records are all-zero
/// inputs: they are sampled like any record but their weight gradient is 0, so they cannot blow up a
/// weight that the forward pass shares with the canaries (0·∞ is NaN) when clipping is disabled.
/// </summary>
internal sealed class DiracCanaries : IBatchSource
{
    /// <summary>The canaries' target: the gradient 2·(prediction − target) has norm ≈ 2·10³ ≫ C.</summary>
    public const float Target = 1000f;

    private readonly int[] _included;
    private readonly int _canaries;

    /// <param name="canaries">m, the canaries (inputs 0..m−1).</param>
    /// <param name="included">The canaries in the training set.</param>
    /// <param name="background">All-zero records.</param>
    public DiracCanaries(int canaries, IReadOnlyList<int> included, int background)
    {
        _canaries = canaries;
        _included = included.ToArray();
        Records = _included.Length + background;
    }

    /// <inheritdoc />
    public int Records { get; }

    /// <inheritdoc />
    public int RowsPerRecord => 1;

    /// <inheritdoc />
    public int InputWidth => _canaries;

    /// <inheritdoc />
    public int TargetWidth => 1;

    /// <inheritdoc />
    public void Fill(ReadOnlySpan<int> records, Span<float> inputs, Span<float> targets, long step)
    {
        int width = InputWidth;
        inputs[..(records.Length * width)].Clear();
        for (int i = 0; i < records.Length; i++)
        {
            int r = records[i];
            if (r < _included.Length) inputs[i * width + _included[r]] = 1f;
            targets[i] = Target;
        }
    }
}
