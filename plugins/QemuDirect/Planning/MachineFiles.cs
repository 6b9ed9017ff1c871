using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Where one machine's QEMU files live. Sockets go in the short runtime folder (paths over ~108 bytes
/// cannot be bound); pid file, stop marker and helper logs in the machine's state folder.
/// <para>
/// A machine run in a user namespace (<see cref="InNamespace"/>) keeps QEMU's and virtiofsd's own files — sockets and
/// pid file — in <see cref="GuestDirectory"/> instead: those processes run as guest root, an id that owns nothing of
/// the user's (and, without capabilities, may not enter the user's 0700 folders), and each of them sees that one
/// folder bound into a private /run (<see cref="PrivateRunDirectory"/>). Logs are opened by the invoking user.
/// </para>
/// </summary>
/// <param name="StateDirectory">The machine's folder under .diskless/.</param>
/// <param name="RuntimeDirectory">The machine's socket folder.</param>
/// <param name="InNamespace">QEMU and virtiofsd run in the machine's user namespace.</param>
public sealed record MachineFiles(string StateDirectory, string RuntimeDirectory, bool InNamespace = false)
{
    /// <summary>The name of <see cref="GuestDirectory"/> inside the runtime folder.</summary>
    public const string GuestDirectoryName = "guest";

    /// <summary>For a plan; <paramref name="inNamespace"/> when the host runs the machine in its user namespace.</summary>
    public static MachineFiles For(BootPlan plan, bool inNamespace = false) => new(plan.StateDirectory, plan.RuntimeDirectory, inNamespace);

    /// <summary>For a handle: the handle says whether the machine was started in a user namespace.</summary>
    public static MachineFiles For(MachineHandle handle) =>
        new(handle.StateDirectory, handle.RuntimeDirectory, handle.Data.ContainsKey(HandleData.UserNamespaceKey));

    /// <summary>
    /// The folder QEMU and virtiofsd of a namespaced machine write in: owned by the invoking user (who may therefore
    /// remove what they leave) and open to all (mode 0777) so guest root can create its sockets there; no other host
    /// user reaches it, since the runtime folder around it is the user's own and 0700.
    /// </summary>
    public string GuestDirectory => Path.Combine(RuntimeDirectory, GuestDirectoryName);

    /// <summary>QEMU writes its pid here (-pidfile) and removes the file when it exits by itself.</summary>
    public string PidFile => InNamespace ? Path.Combine(GuestDirectory, "qemu.pid") : Path.Combine(StateDirectory, "qemu.pid");

    /// <summary>Written by StopAsync once QEMU is gone, so a later status says "stopped", not "crashed".</summary>
    public string StoppedMarker => Path.Combine(StateDirectory, "qemu.stopped");

    /// <summary>The QMP control socket.</summary>
    public string QmpSocket => Path.Combine(SocketDirectory, "qmp.sock");

    /// <summary>The vhost-user socket of the virtiofsd serving share number <paramref name="index"/>.</summary>
    public string VirtiofsdSocket(int index) => Path.Combine(SocketDirectory, $"vfs{index}.sock");

    /// <summary>The log of the virtiofsd serving share number <paramref name="index"/>.</summary>
    public string VirtiofsdLog(int index) => Path.Combine(StateDirectory, $"virtiofsd-{index}.log");

    private string SocketDirectory => InNamespace ? GuestDirectory : RuntimeDirectory;
}
