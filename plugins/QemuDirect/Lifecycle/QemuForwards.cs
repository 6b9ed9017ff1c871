using System.Text.Json;
using System.Text.Json.Nodes;
using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Changes a running machine's forwards through its monitor: QMP's <c>human-monitor-command</c> carries
/// <c>hostfwd_add</c>/<c>hostfwd_remove</c> (<see cref="MonitorForwards"/>), which QMP itself lacks. One connection per
/// change: QEMU serves one QMP client at a time, and <c>halt</c> must find the socket free.
/// </summary>
internal sealed class QemuForwards(QemuTimings timings)
{
    public async Task<bool> AddAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken)
    {
        var command = MonitorForwards.AddCommand(port);
        var reply = await HumanMonitorAsync(handle, command, host, cancellationToken).ConfigureAwait(false);
        return MonitorForwards.ReadAddReply(reply) switch
        {
            ForwardReply.Done => true,
            ForwardReply.HostPortTaken => false,
            _ => throw Refused(handle, command, reply),
        };
    }

    public async Task<bool> RemoveAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken)
    {
        var command = MonitorForwards.RemoveCommand(port);
        var reply = await HumanMonitorAsync(handle, command, host, cancellationToken).ConfigureAwait(false);
        return MonitorForwards.ReadRemoveReply(reply) switch
        {
            ForwardReply.Done => true,
            ForwardReply.NotFound => false,
            _ => throw Refused(handle, command, reply),
        };
    }

    private async Task<string> HumanMonitorAsync(MachineHandle handle, string command, IHostServices host, CancellationToken cancellationToken)
    {
        var socket = MachineFiles.For(handle).QmpSocket;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timings.QmpTimeout);
        host.Progress.Verbose($"QMP human-monitor-command: {command}");
        try
        {
            await using var qmp = await QmpClient.ConnectAsync(socket, timeout.Token).ConfigureAwait(false);
            var result = await qmp.ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = command }, timeout.Token).ConfigureAwait(false);
            return result.ValueKind == JsonValueKind.String ? result.GetString() ?? "" : "";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DisklessException(
                $"machine '{handle.MachineName}' did not answer on its monitor within {timings.QmpTimeout.TotalSeconds:0} s ({command})",
                "Check that it runs with `diskless status`.",
                ExitCodes.Failure);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or QmpException or JsonException)
        {
            throw new DisklessException(
                $"cannot reach the monitor of machine '{handle.MachineName}' at {socket}: {e.Message}",
                "Check that it runs with `diskless status`; a machine that is not running has no forwards to change.",
                ExitCodes.WrongMachineState,
                e);
        }
    }

    private static DisklessException Refused(MachineHandle handle, string command, string reply) => new(
        $"QEMU refused `{command}` for machine '{handle.MachineName}': {reply.Trim()}",
        null,
        ExitCodes.ExternalToolFailed);
}
