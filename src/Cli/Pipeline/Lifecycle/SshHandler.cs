using Diskless.Cli.Ssh;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless ssh</c>: an interactive login through the system's OpenSSH client (exec'd, so the terminal behaves
/// as users expect); with <c>-c</c>, one command over SSH.NET whose output streams and whose exit code is ours.
/// </summary>
internal static class SshHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, string? command, IReadOnlyList<string> extraArgs, TextWriter error, CancellationToken cancellationToken)
    {
        var machine = services.SelectOne(machineName, "ssh");
        var record = await services.RequireRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        var target = await SshTargets.RunningAsync(services, machine, record, cancellationToken).ConfigureAwait(false);
        if (command is null)
        {
            ProcessExec.Replace(SshClientCommand.Build(target, SshTargets.KnownHostsPath(record), extraArgs));
            return 0; // not reached: Replace returns only by throwing
        }

        return await RemoteCommand.RunAsync(target, command, services.Out, error, cancellationToken).ConfigureAwait(false);
    }
}
