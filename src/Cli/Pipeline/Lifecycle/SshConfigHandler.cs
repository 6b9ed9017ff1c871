using Diskless.Abstractions;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary><c>diskless ssh-config</c>: Host blocks for <c>ssh -F</c> and editors' remote-SSH features.</summary>
internal static class SshConfigHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, CancellationToken cancellationToken)
    {
        var entries = new List<SshConfigEntry>();
        foreach (var machine in services.Select(machineName))
        {
            var record = await services.RequireRecordAsync(machine, cancellationToken).ConfigureAwait(false);
            var target = await SshTargets.RunningAsync(services, machine, record, cancellationToken).ConfigureAwait(false);
            entries.Add(new SshConfigEntry(machine.Name, target, SshTargets.KnownHostsPath(record)));
        }

        await services.Out.WriteAsync(SshConfigRenderer.Render(services.Host.Templates, entries)).ConfigureAwait(false);
        return 0;
    }
}
