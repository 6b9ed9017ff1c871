using Diskless.Abstractions;
using Diskless.Cli.Ssh;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>
/// Boots the machine through its provider, offering it a free 127.0.0.1 port for SSH; the provider says where SSH
/// answers (that port, or the guest's address on a network), and the guest's pinned key is written for that endpoint.
/// </summary>
internal sealed class StartMachine : IStep<UpContext>
{
    public string Name => "start machine";

    public bool ShouldRun(UpContext context) => !context.AlreadyRunning;

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        var record = context.Record;
        var artifacts = record.Artifacts
            ?? throw new DisklessException($"Machine '{record.Name}' has no kernel recorded: its setup never finished.", "diskless destroy && diskless up", ExitCodes.WrongMachineState);

        // Before anything is written or started: the guest may have changed these files since they were recorded.
        BootArtifactsGuard.Require(record, artifacts);
        context.Shares = SharePlanner.Plan(context.Spec, context.RootDirectory, record.RootTransport, record.SyncedFolderTransport, HomeApart(context));
        var sshPort = FreePort.OnLoopback();
        context.Project.EnsureRuntimeDirectory(record.Id);
        var plan = new BootPlan(
            record.Name, record.Id, artifacts, context.Spec.Cpus, context.Spec.MemoryMiB, context.Spec.Provider,
            context.Shares, context.Spec.Ports, sshPort, record.StateDirectory, record.RuntimeDirectory, record.ConsoleLogPath)
        {
            GuestAsksDhcp = record.GuestAsksDhcp,
        };
        if (!record.Booted)
        {
            // Saved before QEMU starts: the guest can write its tree from its first instruction, and a later
            // configure must then treat the root as the guest's (no program from it runs on the host again).
            record = record with { Booted = true };
            context.Record = record;
            await context.SaveRecordAsync(cancellationToken).ConfigureAwait(false);
        }

        using (context.Host.Progress.BeginStage($"Starting {record.Name} with {context.Provider.Name}"))
        {
            context.Running = await context.Provider.StartAsync(plan, context.Host, cancellationToken).ConfigureAwait(false);
        }

        // The key is ours whatever the endpoint, so checking stays strict: only the address it is pinned for comes from the provider.
        var keys = await context.KeysAsync(cancellationToken).ConfigureAwait(false);
        await KnownHosts.WriteAsync(KnownHostsPath(context), context.Running.Ssh, keys.HostPublicKeys, cancellationToken).ConfigureAwait(false);
        context.Record = record with { SshHost = context.Running.Ssh.Host, SshPort = context.Running.Ssh.Port, ProviderData = context.Running.Handle.Data };
        await context.SaveRecordAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RecoverAsync(UpContext context, CancellationToken cancellationToken)
    {
        // A machine that never answered SSH is stopped: a failed up leaves no process. One that did (a provisioner
        // failed) stays up for inspection. A first up that failed removes the machine (LoadMachineRecord), so the
        // provider removes what it made outside the machine's folders too (a libvirt domain), or it would outlive it.
        if (context.Running is not null && !context.SshReady)
        {
            if (context.CreatedNow && !context.Record.SetupComplete)
            {
                await context.Provider.DestroyAsync(context.Running.Handle, context.Host, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await context.Provider.StopAsync(context.Running.Handle, new StopOptions(Force: true, TimeSpan.Zero), context.Host, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Whether the root's /home is served apart this time: where the provider can, over a virtiofs root, once the folder
    /// is checked (<see cref="RootHomeFolder"/>; the guest is not running, see there). Otherwise up says so, and the
    /// guest keeps the root's /home, whose inodes only the guest's polling reclaim bounds.
    /// </summary>
    private static bool HomeApart(UpContext context)
    {
        if (!context.Provider.Capabilities.HomeShare || context.Record.RootTransport != ShareTransport.VirtioFs)
        {
            return false;
        }

        if (RootHomeFolder.WhyNotServed(context.RootDirectory) is not { } reason)
        {
            return true;
        }

        context.Host.Progress.Warn(
            $"The guest's /home is not served as a share of its own ({Path.Combine(context.RootDirectory, RootHomeFolder.Name)}: {reason}): "
            + "it stays on the root share, where only the guest's reclaim bounds what a big tree there holds open on the host.");
        return false;
    }

    internal static string KnownHostsPath(UpContext context) => Path.Combine(context.StateDirectory, "known_hosts");
}
