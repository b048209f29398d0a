using DpSynth.Kernels.Random;
using DpSynth.Models.Training;

namespace DpSynth.Models.Audit.DpSgd;

/// <summary>
/// Dirac canaries for the host per-example trainer (<see cref="PerExampleDpSgdTrainer"/>, DPVI's):
/// record r &lt; |included| is canary j = included[r], whose gradient is −G·e_j with G far above any
/// clip norm, so that clipping leaves exactly −C·e_j; background records have gradient 0. The loss
/// reported is 0: nothing about it is audited.
/// </summary>
internal sealed class DiracCanaryObjective(int canaries, IReadOnlyList<int> included, int background) : IPerExampleObjective
{
    /// <summary>|gradient| before clipping.</summary>
    public const double Magnitude = 1e3;

    private readonly int[] _included = included.ToArray();

    /// <inheritdoc />
    public int ParameterCount => canaries;

    /// <inheritdoc />
    public int Records => _included.Length + background;

    /// <inheritdoc />
    public void BeginStep(ReadOnlySpan<double> parameters, long step, NoiseKey key) { }

    /// <inheritdoc />
    public double ExampleGradient(int record, Span<double> gradient)
    {
        gradient.Clear();
        if (record < _included.Length) gradient[_included[record]] = -Magnitude;
        return 0;
    }

    /// <inheritdoc />
    public void AddDataIndependentGradient(ReadOnlySpan<double> parameters, Span<double> gradient) { }
}
