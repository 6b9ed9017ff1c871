using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>What the qemu provider keeps in <see cref="MachineHandle.Data"/> between commands.</summary>
/// <param name="QemuPid">QEMU's pid (from its pid file).</param>
/// <param name="QmpSocket">
/// The QMP socket. Written for people reading the record; read back, it is always the one of the machine's own runtime
/// folder (<see cref="MachineFiles.QmpSocket"/>), whatever the record says.
/// </param>
/// <param name="VirtiofsdPids">One virtiofsd per virtiofs share.</param>
/// <param name="SshPort">The forwarded SSH port.</param>
/// <param name="Accelerator">"kvm" or "tcg".</param>
/// <param name="GracefulTimeout">The <c>graceful_timeout</c> setting, when the Disklessfile has one.</param>
/// <param name="UserNamespace">
/// The fingerprint of the id map when QEMU and virtiofsd run in the machine's user namespace; null for host-owned
/// roots. Later commands find the processes' files by it (<see cref="MachineFiles.For(MachineHandle)"/>) and need no
/// namespace of their own: the user owns the namespace, so it may signal the processes and connect to their sockets.
/// </param>
public sealed record HandleData(int QemuPid, string QmpSocket, IReadOnlyList<int> VirtiofsdPids, int SshPort, string Accelerator, TimeSpan? GracefulTimeout, string? UserNamespace = null)
{
    /// <summary>The key of <see cref="UserNamespace"/> in the handle's data.</summary>
    public const string UserNamespaceKey = "userns";

    /// <summary>The handle's string dictionary.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var data = new Dictionary<string, string>
        {
            ["qemuPid"] = QemuPid.ToString(CultureInfo.InvariantCulture),
            ["qmpSocket"] = QmpSocket,
            ["virtiofsdPids"] = string.Join(',', VirtiofsdPids.Select(p => p.ToString(CultureInfo.InvariantCulture))),
            ["sshPort"] = SshPort.ToString(CultureInfo.InvariantCulture),
            ["accel"] = Accelerator,
        };
        if (GracefulTimeout is { } timeout)
        {
            data["gracefulTimeoutSeconds"] = timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        }

        if (UserNamespace is not null)
        {
            data[UserNamespaceKey] = UserNamespace;
        }

        return data;
    }

    /// <summary>Reads the notes back; null when the handle has none (the machine was never started by this provider).</summary>
    public static HandleData? From(MachineHandle handle)
    {
        var data = handle.Data;
        if (!data.TryGetValue("qemuPid", out var pidText) || !int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var files = MachineFiles.For(handle);
        var helpers = data.TryGetValue("virtiofsdPids", out var list)
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList()
            : [];
        TimeSpan? graceful = data.TryGetValue("gracefulTimeoutSeconds", out var seconds)
            && double.TryParse(seconds, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;
        return new HandleData(
            pid,
            files.QmpSocket,
            helpers,
            data.TryGetValue("sshPort", out var port) && int.TryParse(port, CultureInfo.InvariantCulture, out var p) ? p : 0,
            data.GetValueOrDefault("accel") ?? "tcg",
            graceful,
            data.GetValueOrDefault(UserNamespaceKey));
    }
}
