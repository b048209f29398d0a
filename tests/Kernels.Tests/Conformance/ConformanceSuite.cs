using DpSynth.Kernels.Cases;

namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>
/// The conformance suite, written once: every row of the kernel case table that the class's target
/// runs is checked against the scalar reference (one test case per row, named by the row), and every
/// misuse is refused with a message naming the shapes. A backend joins with one line:
/// <c>[ConformanceTarget("name")] public sealed class NameConformance : ConformanceSuite;</c>
/// </summary>
public abstract class ConformanceSuite
{
    /// <summary>Row names of the case table for <paramref name="target"/>.</summary>
    public static IEnumerable<string> Rows(string target) => ConformanceTargets.All[target].Rows.Select(r => r.Name);

    /// <summary>Names of the misuse cases (the same for every target).</summary>
    public static IEnumerable<string> Misuses(string target) => MisuseCases.Names;

    private string Target => GetType().GetCustomAttributes(typeof(ConformanceTargetAttribute), inherit: true).Cast<ConformanceTargetAttribute>().Single().Name;

    /// <summary>The row computes what the scalar reference computes, within the row's tolerance.</summary>
    [ConformanceTheory(nameof(Rows))]
    public void Row_matches_reference(string row)
    {
        var (backend, reference) = ConformanceTargets.Backends(Target);
        var result = ConformanceCheck.Run(KernelCaseTable.Find(row), backend, reference);
        Assert.True(result.Passed, $"{backend.Name} {row}: {result.Failure}");
    }

    /// <summary>Misuse throws an ArgumentException whose message names the shapes, before anything is written.</summary>
    [ConformanceTheory(nameof(Misuses))]
    public void Misuse_is_refused_naming_the_shapes(string misuse)
    {
        var (backend, reference) = ConformanceTargets.Backends(Target);
        MisuseCases.Check(misuse, backend, reference);
    }
}
