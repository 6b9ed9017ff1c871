using System.Threading.Channels;
using Diskless.Abstractions;

namespace Diskless.Cli.Agent.Ports;

/// <summary>
/// The host agent's "ports" job: forwards each port the guest starts listening on from the same port on 127.0.0.1
/// (the next free one when that is taken, said in the agent's log and shown by <c>status</c>), and removes the forward
/// when the listener goes. The guest's listeners come from one long-running command on the agent's SSH connection
/// (<see cref="GuestListeners"/>); forwards are changed through the provider's <see cref="IRuntimePortForwarding"/>.
/// </summary>
/// <param name="time">The clock the job waits on before running the guest command again when it ended.</param>
public sealed class PortsAgentJob(TimeProvider time) : IMachineAgentJob
{
    /// <summary>How many host ports after the guest's are tried when it is taken.</summary>
    public const int HostPortAttempts = 20;

    /// <summary>How long the job waits before running the guest command again after it ended.</summary>
    public static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(2);

    /// <summary>The job on the system clock.</summary>
    public PortsAgentJob()
        : this(TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public string Name => "ports";

    /// <inheritdoc />
    public bool AppliesTo(AgentMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return machine.Spec.AutoForward.Enabled && machine.Provider is IRuntimePortForwarding && machine.Host is not null;
    }

    /// <inheritdoc />
    public async Task RunAsync(AgentMachine machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var forwarding = (IRuntimePortForwarding)machine.Provider!;
        var sets = Channel.CreateUnbounded<IReadOnlyList<GuestListener>>(new UnboundedChannelOptions { SingleReader = true });
        var watching = WatchAsync(machine, sets.Writer, cancellationToken);
        var current = new List<ActiveForward>();
        try
        {
            var first = true;
            await foreach (var listeners in sets.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await ApplyAsync(machine, forwarding, listeners, current, first, cancellationToken).ConfigureAwait(false);
                first = false;
            }
        }
        finally
        {
            await RemoveAllAsync(machine, forwarding, current).ConfigureAwait(false);
            try
            {
                await watching.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The job is ending: the watcher was told to.
            }
        }
    }

    private async Task WatchAsync(AgentMachine machine, ChannelWriter<IReadOnlyList<GuestListener>> sets, CancellationToken cancellationToken)
    {
        var script = GuestListeners.Script(machine.Spec.AutoForward.Udp);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var pending = new List<GuestListener>();
                void OnLine(string line)
                {
                    if (line == GuestListeners.EndOfSet)
                    {
                        sets.TryWrite(pending);
                        pending = [];
                    }
                    else if (GuestListeners.Parse(line) is { } listener)
                    {
                        pending.Add(listener);
                    }
                }

                try
                {
                    var exit = await machine.Ssh.ExecAsync(script, OnLine, line => Log(machine, "guest: " + line), cancellationToken).ConfigureAwait(false);
                    Log(machine, $"the guest's listener watch ended (exit {exit}); again in {RestartPause.TotalSeconds:0} s");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log(machine, $"the guest's listener watch failed ({e.Message}); again in {RestartPause.TotalSeconds:0} s");
                }

                await Task.Delay(RestartPause, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            sets.TryComplete();
        }
    }

    /// <remarks>
    /// The state file is written after the first set even when it changes nothing: its presence tells <c>up</c> that the
    /// agent has seen the guest's listeners once, and what it forwards (<see cref="ForwardsState"/>) is then known.
    /// </remarks>
    private static async Task ApplyAsync(
        AgentMachine machine, IRuntimePortForwarding forwarding, IReadOnlyList<GuestListener> listeners, List<ActiveForward> current, bool first, CancellationToken cancellationToken)
    {
        var added = await ForwardsState.LoadAsync(machine.Record.StateDirectory, ForwardsState.AddedFileName, machine.Record.Id, cancellationToken).ConfigureAwait(false);
        var taken = machine.Spec.Ports.Select(p => (p.Protocol, p.Guest)).Concat(added.Select(a => (a.Protocol, a.Guest))).ToHashSet();
        var plan = AutoForwardPlanner.Plan(listeners, machine.Spec.AutoForward, taken, current);
        if (plan.IsEmpty)
        {
            if (first)
            {
                await ForwardsState.SaveAsync(machine.Record.StateDirectory, ForwardsState.AutoFileName, machine.Record.Id, current, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        foreach (var gone in plan.Remove)
        {
            try
            {
                await forwarding.RemoveForwardAsync(machine.Record.ToHandle(), gone.ToPortForward(), machine.Host!, cancellationToken).ConfigureAwait(false);
                Notice(machine, $"removed 127.0.0.1:{gone.Host} -> {gone.Guest}/{gone.Protocol}: the guest stopped listening");
            }
            catch (DisklessException e)
            {
                Log(machine, $"could not remove 127.0.0.1:{gone.Host}/{gone.Protocol}: {e.Message}");
            }

            current.Remove(gone);
        }

        var hostPortsInUse = machine.Spec.Ports.Select(p => (p.Protocol, p.Host)).Concat(added.Select(a => (a.Protocol, a.Host))).ToHashSet();
        foreach (var (protocol, guest) in plan.Add)
        {
            if (await AddAsync(machine, forwarding, protocol, guest, hostPortsInUse, current, cancellationToken).ConfigureAwait(false) is { } forward)
            {
                current.Add(forward);
            }
        }

        await ForwardsState.SaveAsync(machine.Record.StateDirectory, ForwardsState.AutoFileName, machine.Record.Id, current, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ActiveForward?> AddAsync(
        AgentMachine machine, IRuntimePortForwarding forwarding, string protocol, int guest, HashSet<(string, int)> hostPortsInUse, List<ActiveForward> current, CancellationToken cancellationToken)
    {
        for (int host = guest, tried = 0; tried < HostPortAttempts && host <= 65535; host++, tried++)
        {
            if (hostPortsInUse.Contains((protocol, host)) || current.Any(f => f.Protocol == protocol && f.Host == host))
            {
                continue;
            }

            try
            {
                if (!await forwarding.AddForwardAsync(machine.Record.ToHandle(), new PortForward(host, guest, protocol), machine.Host!, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
            }
            catch (DisklessException e)
            {
                Log(machine, $"could not forward guest port {guest}/{protocol}: {e.Message}");
                return null;
            }

            var note = host == guest ? null : $"host port {guest} was taken";
            Notice(machine, host == guest
                ? $"forwarded 127.0.0.1:{host} -> {guest}/{protocol}: the guest listens on it"
                : $"forwarded 127.0.0.1:{host} -> {guest}/{protocol}: host port {guest} is taken, so the next free one");
            return new ActiveForward(host, guest, protocol, note);
        }

        Notice(machine, $"could not forward guest port {guest}/{protocol}: host ports {guest} to {guest + HostPortAttempts - 1} are all taken");
        return null;
    }

    private static async Task RemoveAllAsync(AgentMachine machine, IRuntimePortForwarding forwarding, List<ActiveForward> current)
    {
        // The agent stops before its machine (halt) or after it (gone): either way the forwards end with it, and a
        // forward left on a machine that keeps running would point at a listener nobody watches.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var forward in current)
        {
            try
            {
                await forwarding.RemoveForwardAsync(machine.Record.ToHandle(), forward.ToPortForward(), machine.Host!, limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DisklessException or OperationCanceledException)
            {
                // The machine is gone, most likely; its forwards went with it.
            }
        }

        current.Clear();
        try
        {
            File.Delete(Path.Combine(machine.Record.StateDirectory, ForwardsState.AutoFileName));
        }
        catch (IOException)
        {
            // Dropped again at the next start.
        }
    }

    /// <summary>A line for the log and for the terminal of whoever ran up (<see cref="AgentMachine.Notices"/>).</summary>
    private static void Notice(AgentMachine machine, string line)
    {
        Log(machine, line);
        machine.Notices.Say(line);
    }

    private static void Log(AgentMachine machine, string line)
    {
        lock (machine.Log)
        {
            machine.Log.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} ports: {line}");
            machine.Log.Flush();
        }
    }
}
