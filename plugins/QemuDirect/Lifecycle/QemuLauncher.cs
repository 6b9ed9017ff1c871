using System.Globalization;
using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Starts a machine: virtiofsd per virtiofs share (each waited for until its socket exists), then QEMU with
/// -daemonize. Whatever fails or is cancelled on the way, everything it started is killed again.
/// </summary>
internal sealed class QemuLauncher(QemuHostProbe probe, ProcessControl processes, QemuTimings timings, bool invokerIsRoot)
{
    public async Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken)
    {
        var features = await probe.ProbeAsync(plan.Provider, host, cancellationToken).ConfigureAwait(false);
        RequireVirtiofsd(plan, features);
        NinePSetuidRule.Require(plan.Shares);
        var userNamespace = host.Namespace;
        var files = MachineFiles.For(plan, userNamespace is not null);

        // Planned before anything starts, so a share this host cannot serve as asked is refused with nothing to undo.
        if (userNamespace is not null)
        {
            RefuseHiddenPaths(plan, files);
            NamespacedQemu.RequirePrograms(plan, features);
        }

        var machine = MachineProcesses.For(files, userNamespace);
        var helpers = PlanVirtiofsd(plan, features, files, userNamespace);
        RefuseIfRunning(plan, machine);
        PortCheck.EnsureFree(plan);
        await KillStaleHelpersAsync(machine, host).ConfigureAwait(false);
        PrepareFolders(plan, files);
        if (userNamespace is not null && invokerIsRoot)
        {
            await HandGuestFolderToGuestRootAsync(files, userNamespace.Map, host, cancellationToken).ConfigureAwait(false);
        }

        // Before any helper starts: unpacking may take a second or two, and nothing is left to clean up if it is cancelled.
        var bootPlan = await PvhBoot.ChooseKernelAsync(plan, host, cancellationToken).ConfigureAwait(false);

        var helperPids = new List<int>();
        try
        {
            foreach (var helper in helpers)
            {
                await StartVirtiofsdAsync(helper, files, helperPids, host, cancellationToken).ConfigureAwait(false);
            }

            var unpacked = bootPlan.Artifacts.KernelPath != plan.Artifacts.KernelPath;
            await RunQemuAsync(bootPlan, unpacked, features, host, cancellationToken).ConfigureAwait(false);
            var qemuPid = await ReadPidFileAsync(machine, cancellationToken).ConfigureAwait(false);
            if (userNamespace is not null)
            {
                await host.Commands.RunAsync(NamespacedQemu.OpenQmpSocket(files, userNamespace), cancellationToken).ConfigureAwait(false);
            }

            host.Progress.Verbose($"qemu runs as pid {qemuPid} ({(features.UseKvm ? "KVM" : "TCG")}); console: {plan.ConsoleLogPath}");
            var data = new HandleData(
                qemuPid,
                files.QmpSocket,
                helperPids,
                plan.SshHostPort,
                features.UseKvm ? "kvm" : "tcg",
                QemuSettings.Parse(plan.Provider).GracefulTimeout,
                userNamespace?.Map.Fingerprint);
            var handle = new MachineHandle(plan.MachineName, plan.MachineId, plan.StateDirectory, plan.RuntimeDirectory, plan.ConsoleLogPath, data.ToDictionary())
            {
                IdMap = userNamespace?.Map,
            };
            return new RunningMachine(handle, UserNetwork.SshEndpoint(plan.SshHostPort));
        }
        catch
        {
            // Never under the caller's token: a Ctrl-C must not stop the clean-up half-way.
            await CleanUpAsync(machine, helperPids, host).ConfigureAwait(false);
            throw;
        }
    }

    private static void RequireVirtiofsd(BootPlan plan, QemuHostFeatures features)
    {
        var share = plan.Shares.FirstOrDefault(s => s.Transport == ShareTransport.VirtioFs);
        if (share is not null && features.Virtiofsd is null)
        {
            throw VirtiofsdErrors.NotFound(share);
        }
    }

    private static List<PlannedVirtiofsd> PlanVirtiofsd(BootPlan plan, QemuHostFeatures features, MachineFiles files, IUserNamespace? userNamespace) =>
        plan.Shares
            .Select((share, index) => (Share: share, Index: index))
            .Where(s => s.Share.Transport == ShareTransport.VirtioFs)
            .Select(s => new PlannedVirtiofsd(
                s.Share,
                s.Index,
                WithLimit(
                    AsHelper(
                        VirtiofsdCommand.Build(
                            s.Share,
                            files.VirtiofsdSocket(s.Index),
                            features.Virtiofsd!,
                            features.MountNamespace,
                            userNamespace is null ? null : files),
                        userNamespace),
                    features)))
            .ToList();

    // The guest's chown and root-owned files need a root virtiofsd, a read-only share's mount namespace too; in the
    // machine's user namespace that root is guest root, a subordinate id on the host, and no sudo is involved.
    private static CommandSpec AsHelper(CommandSpec command, IUserNamespace? userNamespace) =>
        userNamespace is null ? command with { RequiresRoot = true } : userNamespace.Enter(command);

    // Outermost: in the machine's user namespace no process may raise its hard limit any more.
    private static CommandSpec WithLimit(CommandSpec command, QemuHostFeatures features) =>
        features is { Prlimit: { } prlimit, VirtiofsdLimit: { } limit } ? VirtiofsdDescriptors.WithLimit(command, limit, prlimit) : command;

    private static void RefuseHiddenPaths(BootPlan plan, MachineFiles files)
    {
        // QEMU and virtiofsd see a private /run holding only their own folder: a share there would be served empty.
        foreach (var share in plan.Shares.Where(s => PrivateRunDirectory.Hides(files, s.HostPath)))
        {
            throw new DisklessException(
                $"The share '{share.Tag}' ({share.HostPath}) lies in a folder QEMU and virtiofsd do not see in the machine's user namespace ({string.Join(", ", PrivateRunDirectory.Covered(files))}).",
                "Move the folder elsewhere.",
                ExitCodes.InvalidConfiguration);
        }
    }

    private void RefuseIfRunning(BootPlan plan, MachineProcesses machine)
    {
        // Preparing would delete the running QEMU's sockets and pid file: never start over a live machine.
        var running = machine.FindQemu(processes.Table);
        if (running.Count > 0)
        {
            throw new DisklessException(
                $"Machine '{plan.MachineName}' is already running (qemu pid {running[0]}).",
                "Stop it first with: diskless halt",
                ExitCodes.WrongMachineState);
        }
    }

    private async Task KillStaleHelpersAsync(MachineProcesses machine, IHostServices host)
    {
        // A virtiofsd whose QEMU died before connecting waits forever; its socket path is about to be reused. A
        // read-only share's wrapper names its socket too, so one caught before its exec is found as well.
        foreach (var pid in machine.FindVirtiofsd(processes.Table))
        {
            host.Progress.Verbose($"Stopping a virtiofsd left from an earlier run (pid {pid})");
            await processes.KillAsync(host.Commands, pid, machine, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task HandGuestFolderToGuestRootAsync(MachineFiles files, IdMap map, IHostServices host, CancellationToken cancellationToken)
    {
        // Root's runtime folders are host root's, which guest root may neither enter nor open (its caps count only for
        // ids its map covers). The guest folder becomes guest root's own and private (root reaches it anyway), and the
        // two Diskless folders above it let others pass, without listing: the only name to pass to is guest root's 0700.
        var guestRoot = $"{map.SubordinateUidStart.ToString(CultureInfo.InvariantCulture)}:{map.SubordinateGidStart.ToString(CultureInfo.InvariantCulture)}";
        await host.Commands.RunAsync(new CommandSpec("chown", "--", guestRoot, files.GuestDirectory) { Description = "hand the guest folder to guest root" }, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(files.GuestDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var folder in new[] { files.RuntimeDirectory, Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(files.RuntimeDirectory)) })
        {
            if (folder is { Length: > 1 })
            {
                File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherExecute);
            }
        }
    }

    private static void PrepareFolders(BootPlan plan, MachineFiles files)
    {
        Directory.CreateDirectory(plan.StateDirectory);
        Directory.CreateDirectory(plan.RuntimeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (files.InNamespace)
        {
            // Guest root creates its sockets and pid file here (see MachineFiles.GuestDirectory); the mode is set
            // explicitly, since the one given to mkdir passes through the umask.
            Directory.CreateDirectory(files.GuestDirectory);
            File.SetUnixFileMode(files.GuestDirectory, (UnixFileMode)0b111_111_111);
        }

        if (Path.GetDirectoryName(plan.ConsoleLogPath) is { Length: > 0 } consoleFolder)
        {
            Directory.CreateDirectory(consoleFolder);
        }

        // Left-overs of an earlier run would be mistaken for this one's: a stale socket for a ready virtiofsd,
        // a stale pid file for the new QEMU, the marker for a clean stop.
        File.Delete(files.PidFile);
        File.Delete(files.StoppedMarker);
        File.Delete(files.QmpSocket);
        for (var i = 0; i < plan.Shares.Count; i++)
        {
            File.Delete(files.VirtiofsdSocket(i));
        }
    }

    private Task StartVirtiofsdAsync(PlannedVirtiofsd helper, MachineFiles files, List<int> started, IHostServices host, CancellationToken cancellationToken) =>
        VirtiofsdStarter.StartAsync(
            helper.Command,
            helper.Share,
            files.VirtiofsdSocket(helper.Index),
            files.VirtiofsdLog(helper.Index),
            host,
            started,
            timings.SocketTimeout,
            timings.PollInterval,
            cancellationToken);

    private static async Task RunQemuAsync(BootPlan plan, bool unpackedKernel, QemuHostFeatures features, IHostServices host, CancellationToken cancellationToken)
    {
        var command = host.Namespace is { } userNamespace
            ? NamespacedQemu.Build(plan, features, QemuArgs.Build(plan, features, inNamespace: true), userNamespace)
            : new CommandSpec(features.QemuBinary, QemuArgs.Build(plan, features))
            {
                Description = "qemu",
                RequiresRoot = true, // 9p passthrough must create root-owned files in the root folder
            };
        try
        {
            // With -daemonize this returns once the VM is set up and running; set-up errors come back on stderr.
            await host.Commands.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException failed)
        {
            throw new CommandFailedException(
                failed.Command,
                failed.CommandExitCode,
                failed.OutputTail,
                "QEMU refused the machine; its message is above. Check [provider] extra_args, or run with --verbose to see the full command line."
                + (unpackedKernel ? " If it is about the kernel, pvh = false under [provider] boots the kernel as it is." : ""));
        }
    }

    private async Task<int> ReadPidFileAsync(MachineProcesses machine, CancellationToken cancellationToken)
    {
        var pidFile = machine.Files.PidFile;
        var deadline = DateTime.UtcNow + timings.PidFileTimeout;
        while (true)
        {
            try
            {
                if (File.Exists(pidFile)
                    && int.TryParse((await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture, out var pid))
                {
                    return pid;
                }
            }
            catch (UnauthorizedAccessException)
            {
                // QEMU run through sudo writes a root-only pid file; its command line is readable by anyone.
                if (machine.FindQemu(processes.Table) is [var found, ..])
                {
                    return found;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new DisklessException(
                    $"QEMU reported success but wrote no pid to {pidFile}.",
                    "Run again with --verbose; if it repeats, QEMU exited right after starting (see the console log).",
                    ExitCodes.ExternalToolFailed);
            }

            await Task.Delay(timings.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CleanUpAsync(MachineProcesses machine, List<int> helperPids, IHostServices host)
    {
        // A QEMU interrupted inside -daemonize may already run in the background: find it by its owner and QMP socket.
        var qemuPids = machine.FindQemu(processes.Table);
        foreach (var (pid, startedHere) in qemuPids.Select(p => (p, false)).Concat(helperPids.Select(p => (p, true))))
        {
            try
            {
                if (!await processes.KillAsync(host.Commands, pid, machine, CancellationToken.None, startedHere).ConfigureAwait(false))
                {
                    host.Progress.Warn($"Process {pid} did not exit after SIGKILL.");
                }
            }
            catch (DisklessException e)
            {
                host.Progress.Warn($"Could not stop process {pid}: {e.Message}");
            }
        }
    }
}
