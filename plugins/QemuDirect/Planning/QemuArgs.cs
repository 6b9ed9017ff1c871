using System.Globalization;
using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>Plans QEMU's command line for a machine. Pure: touches neither files nor processes.</summary>
public static class QemuArgs
{
    /// <summary>The vhost-user queue size peers use for virtiofs (the default 128 throttles throughput).</summary>
    public const int VirtiofsQueueSize = 1024;

    /// <summary>The machine type: q35, for PCIe and its modern virtio devices.</summary>
    public const string MachineType = "q35";

    /// <summary>
    /// q35 devices a diskless machine does not use, switched off where this QEMU can: the SATA controller, the SMBus,
    /// the PS/2 controller and VMware's I/O port. Each is probed by firmware and kernel and gets a driver loaded;
    /// without them a TCG boot reached SSH about 2 s sooner (measured, README).
    /// </summary>
    public static readonly IReadOnlyList<string> UnusedMachineDevices = ["sata", "smbus", "i8042", "vmport"];

    /// <summary>
    /// The arguments (without the program) that boot <paramref name="plan"/> on a host with <paramref name="features"/>;
    /// <paramref name="inNamespace"/> for QEMU run in the machine's user namespace (<see cref="NamespacedQemu"/>): its
    /// sockets and pid file then lie in <see cref="MachineFiles.GuestDirectory"/>, and the console log is the
    /// descriptor the invoking user opened (<see cref="NamespacedQemu.ConsoleFd"/>), not a path QEMU opens; kernel and
    /// initramfs too are read from descriptors the user opened.
    /// </summary>
    public static IReadOnlyList<string> Build(BootPlan plan, QemuHostFeatures features, bool inNamespace = false)
    {
        var files = MachineFiles.For(plan, inNamespace);
        var settings = QemuSettings.Parse(plan.Provider);
        var args = new List<string>();
        void Add(params string[] words) => args.AddRange(words);

        Add("-name", $"guest={QemuOptions.Value(plan.MachineName)},process=diskless-{QemuOptions.Value(plan.MachineName)}");
        Add("-machine", string.Concat([MachineType, .. UnusedMachineDevices.Where(features.MachineProperties.Contains).Select(device => $",{device}=off")]));
        if (features.UseKvm)
        {
            Add("-accel", "kvm", "-cpu", "host");
        }
        else
        {
            Add("-accel", "tcg,thread=multi", "-cpu", settings.Cpu ?? QemuSettings.DefaultTcgCpu);
        }

        Add("-smp", plan.Cpus.ToString(CultureInfo.InvariantCulture));
        var memory = plan.MemoryMiB.ToString(CultureInfo.InvariantCulture) + "M";
        Add("-m", memory);
        if (plan.Shares.Any(s => s.Transport == ShareTransport.VirtioFs))
        {
            // vhost-user-fs maps guest memory into virtiofsd: it must be a shared file-backed mapping.
            Add("-object", $"memory-backend-memfd,id=mem,size={memory},share=on", "-numa", "node,memdev=mem");
        }

        Add(
            "-kernel", inNamespace ? NamespacedQemu.Inherited(NamespacedQemu.KernelFd) : plan.Artifacts.KernelPath,
            "-initrd", inNamespace ? NamespacedQemu.Inherited(NamespacedQemu.InitrdFd) : plan.Artifacts.InitrdPath,
            "-append", VirtiofsdDescriptors.KernelCommandLine(plan, features.VirtiofsdLimit?.Soft));

        // No default devices (floppy, CD-ROM, VGA, default NIC): only what is listed below.
        Add("-nodefaults", "-no-user-config", "-display", "none");
        if (inNamespace)
        {
            Add("-add-fd", $"fd={NamespacedQemu.ConsoleFd},set={NamespacedQemu.ConsoleFdSet}");
            Add("-chardev", $"file,id=console,path=/dev/fdset/{NamespacedQemu.ConsoleFdSet}", "-serial", "chardev:console");
        }
        else
        {
            Add("-chardev", $"file,id=console,path={QemuOptions.Value(plan.ConsoleLogPath)}", "-serial", "chardev:console");
        }

        Add("-chardev", QmpChardev(files), "-mon", "chardev=qmp,mode=control");
        Add("-pidfile", files.PidFile, "-daemonize");
        if (features.Sandbox)
        {
            // elevateprivileges=deny makes -daemonize fail and spawn=deny kills it (QEMU 7.2, measured).
            Add("-sandbox", "on,obsolete=deny,resourcecontrol=deny");
        }

        // The NIC first, so it keeps its PCI slot (and the guest its interface name) whatever the shares are.
        Add("-netdev", Netdev(plan), "-device", "virtio-net-pci,netdev=" + MonitorForwards.NetdevId);
        Add("-device", "virtio-rng-pci");
        for (var i = 0; i < plan.Shares.Count; i++)
        {
            AddShare(args, plan.Shares[i], i, files);
        }

        args.AddRange(settings.ExtraArgs);
        return args;
    }

    /// <summary>
    /// The -chardev value of the QMP socket: one whole argv element naming the machine's own socket path, which is how
    /// the machine's QEMU is told from any other process (<see cref="MachineProcesses"/>).
    /// </summary>
    public static string QmpChardev(MachineFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return $"socket,id=qmp,path={QemuOptions.Value(files.QmpSocket)},server=on,wait=off";
    }

    private static void AddShare(List<string> args, Share share, int index, MachineFiles files)
    {
        var tag = QemuOptions.Value(share.Tag);
        if (share.Transport == ShareTransport.VirtioFs)
        {
            args.AddRange([
                "-chardev", $"socket,id=vfs{index},path={QemuOptions.Value(files.VirtiofsdSocket(index))}",
                "-device", $"vhost-user-fs-pci,chardev=vfs{index},tag={tag},queue-size={VirtiofsQueueSize}",
            ]);
            return;
        }

        // multidevs=remap keeps inode numbers unique when the folder spans several host filesystems.
        var fsdev = $"local,id=fs{index},path={QemuOptions.Value(share.HostPath)},security_model={share.NinePSecurityModel},multidevs=remap";
        if (share.ReadOnly)
        {
            fsdev += ",readonly=on";
        }

        args.AddRange(["-fsdev", fsdev, "-device", $"virtio-9p-pci,fsdev=fs{index},mount_tag={tag}"]);
    }

    private static string Netdev(BootPlan plan) => UserNetwork.Netdev(MonitorForwards.NetdevId, plan.SshHostPort, plan.Ports);
}
