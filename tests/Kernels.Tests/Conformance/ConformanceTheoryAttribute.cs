using Xunit.Abstractions;
using Xunit.Sdk;

namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>Names the conformance target (a key of <see cref="ConformanceTargets.All"/>) a suite class runs on.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConformanceTargetAttribute(string name) : Attribute
{
    /// <summary>The target's name.</summary>
    public string Name { get; } = name;
}

/// <summary>
/// A theory with one test case per row of its target: the rows come from the static method
/// <see cref="Rows"/> of the test class, called with the class's <see cref="ConformanceTargetAttribute"/>
/// target. When the target cannot run here (no CUDA device), a single skipped case states why —
/// xunit v2 has no other way to skip data rows at run time.
/// </summary>
[XunitTestCaseDiscoverer("DpSynth.Kernels.Tests.Conformance.ConformanceTheoryDiscoverer", "DpSynth.Kernels.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ConformanceTheoryAttribute(string rows) : FactAttribute
{
    /// <summary>Name of a static method (string target) → IEnumerable&lt;string&gt; of row names.</summary>
    public string Rows { get; } = rows;
}

/// <summary>Discovers the cases of a <see cref="ConformanceTheoryAttribute"/>.</summary>
public sealed class ConformanceTheoryDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var type = ((IReflectionTypeInfo)testMethod.TestClass.Class).Type;
        string targetName = type.GetCustomAttributes(typeof(ConformanceTargetAttribute), inherit: true).Cast<ConformanceTargetAttribute>().Single().Name;
        var target = ConformanceTargets.All[targetName];
        if (target.Unavailable?.Invoke() is { } reason)
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, reason, ["(every row)"])];
        string source = (string)factAttribute.GetConstructorArguments().Single();
        var method = type.GetMethod(source, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.FlattenHierarchy)
                     ?? throw new InvalidOperationException($"{type.Name} has no public static method {source}(string).");
        var rows = (IEnumerable<string>)method.Invoke(null, [targetName])!;
        return rows.Select(row => (IXunitTestCase)new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod, [row])).ToList();
    }
}
