using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Chooses the kernel QEMU boots. Under TCG a compressed kernel spends seconds decompressing itself before it
/// prints a line (measured: "Linux version" after 2.8 s from a bzImage, 0.38 s from its unpacked ELF), so with
/// <c>pvh = true</c> (the default) the bzImage is unpacked once on the host and the ELF booted through QEMU's PVH
/// entry. The boot plan is changed only in its kernel path, so the argument planner stays pure.
/// </summary>
internal static class PvhBoot
{
    public static async Task<BootPlan> ChooseKernelAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken)
    {
        if (!QemuSettings.Parse(plan.Provider).Pvh)
        {
            return plan;
        }

        var choice = await PvhKernelCache.In(host.Paths)
            .ResolveAsync(plan.Artifacts.KernelPath, host.Progress, cancellationToken)
            .ConfigureAwait(false);
        if (choice.IsWarning)
        {
            host.Progress.Warn(choice.Reason);
        }
        else
        {
            host.Progress.Verbose(choice.Reason);
        }

        return plan with { Artifacts = plan.Artifacts with { KernelPath = choice.Path } };
    }
}
