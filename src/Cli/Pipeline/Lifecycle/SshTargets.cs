using Diskless.Abstractions;
using Diskless.Cli.Ssh;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>Where to log in to a machine that must be running, with its pinned host key.</summary>
internal static class SshTargets
{
    public static async Task<SshTarget> RunningAsync(LifecycleServices services, MachineSpec machine, MachineRecord record, CancellationToken cancellationToken)
    {
        var provider = services.Plugins.GetProvider(record.Provider);
        var status = await provider.StatusAsync(record.ToHandle(), services.Host, cancellationToken).ConfigureAwait(false);
        if (status.State != MachineState.Running || record.Ssh is not { } endpoint)
        {
            throw new DisklessException($"Machine '{machine.Name}' is not running.", "diskless up", ExitCodes.WrongMachineState);
        }

        var keys = await MachineKeys.LoadAsync(record.StateDirectory, cancellationToken).ConfigureAwait(false);
        return keys.ToTarget(endpoint, machine.Distro.User);
    }

    public static string KnownHostsPath(MachineRecord record) => Path.Combine(record.StateDirectory, "known_hosts");
}
