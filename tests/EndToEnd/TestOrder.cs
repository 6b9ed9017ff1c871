using Xunit.Abstractions;
using Xunit.Sdk;

namespace Diskless.EndToEnd;

/// <summary>Runs a class's tests by their [Order(n)]: the machine's lifecycle (halt, up again, destroy) comes last.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OrderAttribute(int position) : Attribute
{
    public int Position { get; } = position;
}

public sealed class ByOrderAttribute : ITestCaseOrderer
{
    public const string TypeName = "Diskless.EndToEnd.ByOrderAttribute";
    public const string AssemblyName = "Diskless.EndToEnd";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(OrderAttribute).AssemblyQualifiedName)
            .Select(a => (int)a.GetConstructorArguments().First())
            .FirstOrDefault(int.MaxValue / 2))
            .ThenBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
