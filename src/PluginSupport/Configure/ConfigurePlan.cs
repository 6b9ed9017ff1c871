using Diskless.Abstractions;

namespace Diskless.PluginSupport.Configure;

/// <summary>Everything configuring a machine root will do, in order, and the kernel command line it boots with.</summary>
/// <param name="Steps">The changes, applied in order.</param>
/// <param name="KernelCommandLine">root=, rootfstype=, rootflags= for the root's transport, and the console.</param>
/// <param name="Warnings">Things the user should know that do not stop the machine from booting.</param>
/// <param name="GuestHasRun">The root is the guest's: the plan may hold no <see cref="RunInRootStep"/>.</param>
public sealed record ConfigurePlan(IReadOnlyList<RootEdit> Steps, string KernelCommandLine, IReadOnlyList<string> Warnings, bool GuestHasRun)
{
    /// <summary>One line per step, for golden files and --verbose.</summary>
    public string Describe() => string.Join('\n', Steps.Select(s => s.Describe())) + "\n";
}
