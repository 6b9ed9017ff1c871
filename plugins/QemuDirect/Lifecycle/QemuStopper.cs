using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Stops a machine: ACPI power-off over QMP and a wait, then QMP quit, then SIGKILL; afterwards makes sure
/// no virtiofsd of the machine is left (they exit by themselves once QEMU is gone; otherwise they are killed).
/// </summary>
internal sealed class QemuStopper(ProcessControl processes, QemuTimings timings)
{
    public async Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken)
    {
        var data = HandleData.From(handle);
        if (data is null)
        {
            return;
        }

        var machine = MachineProcesses.For(handle);
        var files = machine.Files;
        if (machine.IsQemuRunning(processes.Table, data.QemuPid))
        {
            var stopped = false;
            if (!options.Force)
            {
                try
                {
                    stopped = await PowerDownAsync(data, machine, data.GracefulTimeout ?? options.GracefulTimeout, host, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Interrupted while waiting politely: finish by force so nothing is left half-stopped.
                    await ForceStopAsync(data, machine, host).ConfigureAwait(false);
                    await StopHelpersAsync(data, machine, host).ConfigureAwait(false);
                    throw;
                }
            }

            if (!stopped)
            {
                await ForceStopAsync(data, machine, host).ConfigureAwait(false);
            }
        }

        await StopHelpersAsync(data, machine, host).ConfigureAwait(false);
        await File.WriteAllTextAsync(files.StoppedMarker, DateTime.UtcNow.ToString("O"), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<bool> PowerDownAsync(HandleData data, MachineProcesses machine, TimeSpan timeout, IHostServices host, CancellationToken cancellationToken)
    {
        if (!await TryQmpAsync(machine, "system_powerdown", host, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        host.Progress.Verbose($"Asked the guest to power off; waiting up to {timeout.TotalSeconds:0} s");
        if (await processes.WaitForExitAsync(data.QemuPid, timeout, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        host.Progress.Warn($"The guest did not power off within {timeout.TotalSeconds:0} s; stopping it by force.");
        return false;
    }

    private async Task ForceStopAsync(HandleData data, MachineProcesses machine, IHostServices host)
    {
        if (await TryQmpAsync(machine, "quit", host, CancellationToken.None).ConfigureAwait(false)
            && await processes.WaitForExitAsync(data.QemuPid, timings.QuitTimeout, CancellationToken.None).ConfigureAwait(false))
        {
            return;
        }

        if (!await processes.KillAsync(host.Commands, data.QemuPid, machine, CancellationToken.None).ConfigureAwait(false))
        {
            throw new DisklessException(
                $"QEMU (pid {data.QemuPid}) is still running after SIGKILL.",
                $"Check it with: ps -o pid,stat,cmd -p {data.QemuPid}",
                ExitCodes.Failure);
        }
    }

    private async Task StopHelpersAsync(HandleData data, MachineProcesses machine, IHostServices host)
    {
        foreach (var pid in machine.LiveHelpers(processes.Table, data.VirtiofsdPids))
        {
            await processes.StopHelperAsync(host.Commands, pid, machine, timings.HelperGrace, host.Progress).ConfigureAwait(false);
        }
    }

    // The socket of the machine's own runtime folder, never one its record names.
    private async Task<bool> TryQmpAsync(MachineProcesses machine, string command, IHostServices host, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timings.QmpTimeout);
        try
        {
            await using var qmp = await QmpClient.ConnectAsync(machine.Files.QmpSocket, timeout.Token).ConfigureAwait(false);
            await qmp.ExecuteAsync(command, null, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Progress.Verbose($"QMP {command}: no answer within {timings.QmpTimeout.TotalSeconds:0} s");
            return false;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or QmpException or System.Text.Json.JsonException)
        {
            // "quit" may close the connection before its reply: whether QEMU exits is checked next anyway.
            host.Progress.Verbose($"QMP {command}: {e.Message}");
            return command == "quit" && e is IOException;
        }
    }
}
