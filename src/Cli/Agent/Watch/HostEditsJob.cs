using System.Globalization;
using System.Threading.Channels;
using Diskless.Abstractions;

namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// The agent's "watch" job: host edits in synced folders reach the guest's inotify watchers. The host watches each
/// folder's tree with inotify, a burst is coalesced into one batch, and one long-running command in the guest
/// (guest-watch.pl, fed over the agent's SSH connection) gives each changed path an event the watchers act on —
/// without changing the file — and drops what the guest itself wrote. Nothing the guest says is used for a host path:
/// its output only goes to the log.
/// </summary>
internal sealed class HostEditsJob(TimeProvider time) : IMachineAgentJob
{
    /// <summary>How long the host stays quiet before a batch goes (an editor's save is a few events within a millisecond or two).</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest a change waits while the host stays busy.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(150);

    /// <inheritdoc />
    public string Name => "watch";

    /// <inheritdoc />
    public bool AppliesTo(AgentMachine machine) => Folders(machine.Spec).Count > 0;

    /// <inheritdoc />
    public async Task RunAsync(AgentMachine machine, CancellationToken cancellationToken)
    {
        var folders = Folders(machine.Spec);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var changes = Channel.CreateUnbounded<HostChange>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        void Log(string line)
        {
            // The agent's other jobs write the same log; it locks on the writer as the agent does.
            lock (machine.Log)
            {
                machine.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} watch: {line}"));
                machine.Log.Flush();
            }
        }


        using var watcher = new HostTreeWatcher(c => changes.Writer.TryWrite(c), Log);
        foreach (var folder in folders)
        {
            watcher.Add(folder);
        }

        Log($"{folders.Count} synced folder(s), {watcher.Watches} host folder(s) watched");
        var host = Task.Factory.StartNew(() => watcher.Run(stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var pump = new ChangePump(new ChangeCoalescer(Quiet, Longest), new GuestMessages((folder, path) => HostFileStat.Read(folder.HostRoot, path)), time);
        var pumping = pump.RunAsync(changes.Reader, lines.Writer, stop.Token);
        var errors = new List<string>();
        var guest = machine.Ssh.StreamAsync(
            GuestWatchScript.Command(folders),
            lines.Reader,
            line => Log("guest says " + line),
            line =>
            {
                lock (errors)
                {
                    errors.Add(line);
                }

                Log("guest says " + line);
            },
            stop.Token);
        try
        {
            var first = await Task.WhenAny(guest, pumping).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await first.ConfigureAwait(false);
            if (first == guest)
            {
                var code = await guest.ConfigureAwait(false);
                string said;
                lock (errors)
                {
                    said = string.Join("; ", errors.TakeLast(3));
                }

                throw new DisklessException(
                    code == GuestWatchScript.NoPerl
                        ? "host edits cannot reach the guest's watchers: the guest has no perl"
                        : $"the guest side of watch ended (exit {code}){(said.Length > 0 ? ": " + said : "")}",
                    code == GuestWatchScript.NoPerl
                        ? "install perl in the guest (add \"perl\" to [distro] packages), or set watch = false on the synced folders"
                        : "`diskless reload` restarts it",
                    ExitCodes.Failure);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            lines.Writer.TryComplete();
            await Task.WhenAll(host, pumping, guest).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Log($"stopped after {pump.Sent} message(s) to the guest");
        }
    }

    /// <summary>The synced folders with watch on, mapped host to guest.</summary>
    public static IReadOnlyList<WatchedFolder> Folders(MachineSpec spec) =>
        [.. spec.SyncedFolders.Where(f => f.Watch && !f.ReadOnly).Select(f => new WatchedFolder(Path.TrimEndingDirectorySeparator(Path.GetFullPath(f.HostPath)), f.GuestPath))];
}
