using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// Stops a domain: <c>virsh shutdown</c> (ACPI power button) and a wait for "shut off", then <c>virsh destroy</c>
/// (QEMU killed) after the graceful timeout, at once with force, or when interrupted. A stopped domain stays defined:
/// it is the machine, visible in virsh and virt-manager until destroy.
/// </summary>
internal sealed class DomainStopper(LibvirtTimings timings, TimeProvider time)
{
    public async Task StopAsync(Virsh virsh, DomainHandle handle, StopOptions options, IProgressReporter progress, CancellationToken cancellationToken)
    {
        var name = handle.Identity.Name;
        if (!await DomainOwnership.RequireOursOrAbsentAsync(virsh, handle.Identity, cancellationToken).ConfigureAwait(false)
            || !await IsRunningAsync(virsh, name, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (!options.Force)
        {
            var timeout = handle.GracefulTimeout ?? options.GracefulTimeout;
            try
            {
                await virsh.RunAsync("ask the guest to power off", cancellationToken, "shutdown", name).ConfigureAwait(false);
                progress.Verbose($"Asked the guest to power off; waiting up to {timeout.TotalSeconds:0} s");
                if (await WaitForShutOffAsync(virsh, name, timeout, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                progress.Warn($"{name} did not power off within {timeout.TotalSeconds:0} s: stopping it by force (virsh destroy).");
            }
            catch (OperationCanceledException)
            {
                // Interrupted while waiting politely: finish by force so nothing is left half-stopped.
                await DestroyAsync(virsh, name).ConfigureAwait(false);
                throw;
            }
        }

        await DestroyAsync(virsh, name).ConfigureAwait(false);
    }

    private async Task DestroyAsync(Virsh virsh, string name)
    {
        using var bounded = new CancellationTokenSource(timings.DestroyTimeout, time);
        await virsh.TryRunAsync("stop the domain", bounded.Token, "destroy", name).ConfigureAwait(false);
    }

    private async Task<bool> WaitForShutOffAsync(Virsh virsh, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (await IsRunningAsync(virsh, name, cancellationToken).ConfigureAwait(false))
        {
            if (time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(timings.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static async Task<bool> IsRunningAsync(Virsh virsh, string name, CancellationToken cancellationToken)
    {
        var state = await virsh.TryRunAsync("read the domain's state", cancellationToken, "domstate", name, "--reason").ConfigureAwait(false);
        return state.ExitCode == 0 && DomainState.Parse(state.StandardOutput) == MachineState.Running;
    }
}
