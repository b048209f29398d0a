namespace DpSynth.Models.Nn;

/// <summary>How a backward pass turns per-row gradients into parameter gradients.</summary>
public enum GradientMode
{
    /// <summary>Ordinary (non-private) training: parameter gradients are summed over the batch directly.</summary>
    Direct,

    /// <summary>
    /// DP-SGD with ghost norms, book-keeping variant: the backward pass keeps each layer's output
    /// gradients, per-example squared norms are computed from activations and output gradients
    /// without forming per-example gradients, and the clipped sum is one weight-gradient GEMM per
    /// layer on rows pre-scaled by the clip factors.
    /// </summary>
    Ghost,

    /// <summary>
    /// DP-SGD the straightforward way: every example's full gradient is written out (in chunks of
    /// examples), its norm taken, and the clipped gradients summed. The reference for tests and
    /// benchmarks.
    /// </summary>
    Materialized,
}
