using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Where one machine's QEMU files live. Sockets go in the short runtime folder (paths over ~108 bytes
/// cannot be bound); pid file, stop marker and helper logs in the machine's state folder.
/// </summary>
/// <param name="StateDirectory">The machine's folder under .diskless/.</param>
/// <param name="RuntimeDirectory">The machine's socket folder.</param>
public sealed record MachineFiles(string StateDirectory, string RuntimeDirectory)
{
    /// <summary>For a plan.</summary>
    public static MachineFiles For(BootPlan plan) => new(plan.StateDirectory, plan.RuntimeDirectory);

    /// <summary>For a handle.</summary>
    public static MachineFiles For(MachineHandle handle) => new(handle.StateDirectory, handle.RuntimeDirectory);

    /// <summary>QEMU writes its pid here (-pidfile) and removes the file when it exits by itself.</summary>
    public string PidFile => Path.Combine(StateDirectory, "qemu.pid");

    /// <summary>Written by StopAsync once QEMU is gone, so a later status says "stopped", not "crashed".</summary>
    public string StoppedMarker => Path.Combine(StateDirectory, "qemu.stopped");

    /// <summary>The QMP control socket.</summary>
    public string QmpSocket => Path.Combine(RuntimeDirectory, "qmp.sock");

    /// <summary>The vhost-user socket of the virtiofsd serving share number <paramref name="index"/>.</summary>
    public string VirtiofsdSocket(int index) => Path.Combine(RuntimeDirectory, $"vfs{index}.sock");

    /// <summary>The log of the virtiofsd serving share number <paramref name="index"/>.</summary>
    public string VirtiofsdLog(int index) => Path.Combine(StateDirectory, $"virtiofsd-{index}.log");
}
