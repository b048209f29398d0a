using DpSynth.Models.Training;

namespace DpSynth.Models.Audit.DpSgd;

/// <summary>
/// The training set of a white-box DP-SGD audit: the included Dirac canaries and some background
/// records, for a bias-free linear model with one output on m + 1 inputs. Canary j is the input e_j
/// with a target so far from any prediction that the squared error's gradient, δ·e_j, has |δ| far
/// above the clip norm: clipping scales it to exactly C·e_j (up to sign), so each canary moves its own
/// weight and nothing else, by C per step in which it is sampled. Background records do the same on
/// the last input, which no canary uses.
/// </summary>
internal sealed class DiracCanaries : IBatchSource
{
    /// <summary>The canaries' target: the gradient 2·(prediction − target) has norm ≈ 2·10³ ≫ C.</summary>
    public const float Target = 1000f;

    private readonly int[] _included;
    private readonly int _canaries;

    /// <param name="canaries">m, the canaries (inputs 0..m−1).</param>
    /// <param name="included">The canaries in the training set.</param>
    /// <param name="background">Records on input m.</param>
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
    public int InputWidth => _canaries + 1;

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
            int column = r < _included.Length ? _included[r] : _canaries;
            inputs[i * width + column] = 1f;
            targets[i] = Target;
        }
    }
}
