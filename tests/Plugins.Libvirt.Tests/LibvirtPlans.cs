using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt.Tests;

/// <summary>Boot plans and host features with fixed paths, so the domain XML can be golden.</summary>
internal static class LibvirtPlans
{
    public const string RootPath = "/var/lib/diskless/machines/0b7e4c/root";

    public static readonly LibvirtHostFeatures Tcg = new("/usr/bin/virsh", UseKvm: false, "/usr/lib/qemu/virtiofsd");

    public static ProviderSpec Provider(params (string Key, object Value)[] settings) =>
        new("libvirt", Accelerator.Auto, settings.ToDictionary(s => s.Key, s => new SpecValue(s.Value, new SourceLocation("Disklessfile", 9, 1))), new SourceLocation("Disklessfile", 8, 1));

    public static BootPlan Plan(
        ShareTransport root,
        IReadOnlyList<Share>? extraShares = null,
        IReadOnlyList<PortForward>? ports = null,
        ProviderSpec? provider = null,
        string stateDirectory = "/home/me/project/.diskless/machines/dev",
        int sshPort = 2222)
    {
        var commandLine = root == ShareTransport.VirtioFs
            ? "root=rootfs rootfstype=virtiofs rw console=ttyS0"
            : "root=rootfs rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap,posixacl rw console=ttyS0";
        return new BootPlan(
            MachineName: "dev",
            MachineId: "0b7e4c",
            Artifacts: new BootArtifacts($"{RootPath}/boot/vmlinuz-6.1.0-56-amd64", $"{RootPath}/boot/initrd.img-6.1.0-56-amd64", commandLine),
            Cpus: 2,
            MemoryMiB: 1024,
            Provider: provider ?? Provider(),
            Shares: [new Share(Share.RootTag, RootPath, "/", root), .. extraShares ?? []],
            Ports: ports ?? [],
            SshHostPort: sshPort,
            StateDirectory: stateDirectory,
            RuntimeDirectory: "/run/diskless/0b7e4c",
            ConsoleLogPath: Path.Combine(stateDirectory, "console.log"));
    }

    public static IReadOnlyList<Share> MixedFolders =>
    [
        new Share("share1", "/home/me/project", "/project", ShareTransport.VirtioFs),
        new Share("share2", "/home/me/data & <old>", "/data", ShareTransport.NineP, ReadOnly: true, NinePSecurityModel: "mapped-xattr"),
    ];

    public static IReadOnlyList<PortForward> SomePorts =>
    [
        new PortForward(8080, 80),
        new PortForward(5353, 53, "udp"),
    ];
}
