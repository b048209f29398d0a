namespace DpSynth.Kernels.Cases;

/// <summary>An output a row compares with the reference, with its own tolerance when it differs from the row's.</summary>
internal readonly record struct CaseOutput(string Name, Tensor Tensor, CaseTolerance? Tolerance = null);

/// <summary>
/// A row set up on one backend: the call to make (and time), the tensors it writes, and — for ops that
/// return a number (losses, σ) — that number after the last call.
/// </summary>
internal sealed class CaseRun
{
    private readonly Action? _action;
    private readonly Func<float>? _function;

    /// <summary>A call returning nothing.</summary>
    public CaseRun(Action invoke, params CaseOutput[] outputs)
    {
        _action = invoke;
        Outputs = outputs;
    }

    /// <summary>A call returning a number that is compared too.</summary>
    public CaseRun(Func<float> invoke, params CaseOutput[] outputs)
    {
        _function = invoke;
        Outputs = outputs;
    }

    /// <summary>The tensors compared after the calls.</summary>
    public IReadOnlyList<CaseOutput> Outputs { get; }

    /// <summary>The number the last call returned (null for ops that return nothing).</summary>
    public float? Value { get; private set; }

    /// <summary>Tolerance for <see cref="Value"/> when it differs from the row's.</summary>
    public CaseTolerance? ValueTolerance { get; init; }

    /// <summary>Makes the call once.</summary>
    public void Invoke()
    {
        if (_function is not null) Value = _function();
        else _action!();
    }
}
