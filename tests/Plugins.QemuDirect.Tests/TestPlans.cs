using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>Boot plans and host features for the tests, with fixed paths so argument lists can be golden.</summary>
internal static class TestPlans
{
    public static readonly QemuHostFeatures Tcg = new("/usr/bin/qemu-system-x86_64", "7.2.22", UseKvm: false, Sandbox: true,
        new VirtiofsdInfo("/usr/lib/qemu/virtiofsd", VirtiofsdFlavour.LegacyC), new HashSet<string>(["i8042", "sata", "smbus", "vmport", "smm", "hpet"]),
        new MountNamespaceTools("/usr/bin/unshare", "/usr/bin/mount"));

    public static readonly QemuHostFeatures Kvm = Tcg with
    {
        UseKvm = true,
        Virtiofsd = new VirtiofsdInfo("/usr/libexec/virtiofsd", VirtiofsdFlavour.Rust),
    };

    public static ProviderSpec Provider(params (string Key, object Value)[] settings) =>
        new("qemu", Accelerator.Auto, settings.ToDictionary(s => s.Key, s => new SpecValue(s.Value, new SourceLocation("Disklessfile", 7, 1))), null);

    public static BootPlan Plan(
        ShareTransport root,
        string stateDirectory = "/home/me/project/.diskless/machines/dev",
        string runtimeDirectory = "/run/diskless/3f2a9c",
        string rootPath = "/var/lib/diskless/machines/0b7e4c/root",
        IReadOnlyList<Share>? extraShares = null,
        IReadOnlyList<PortForward>? ports = null,
        ProviderSpec? provider = null,
        int sshPort = 2222)
    {
        var commandLine = root == ShareTransport.VirtioFs
            ? "root=rootfs rootfstype=virtiofs rw console=ttyS0"
            : "root=rootfs rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap,posixacl rw console=ttyS0";
        return new BootPlan(
            MachineName: "dev",
            MachineId: "0b7e4c",
            Artifacts: new BootArtifacts($"{rootPath}/boot/vmlinuz-6.1.0-56-amd64", $"{rootPath}/boot/initrd.img-6.1.0-56-amd64", commandLine),
            Cpus: 2,
            MemoryMiB: 1024,
            Provider: provider ?? Provider(),
            Shares: [new Share(Share.RootTag, rootPath, "/", root), .. extraShares ?? []],
            Ports: ports ?? [],
            SshHostPort: sshPort,
            StateDirectory: stateDirectory,
            RuntimeDirectory: runtimeDirectory,
            ConsoleLogPath: Path.Combine(stateDirectory, "console.log"));
    }

    public static IReadOnlyList<Share> MixedFolders =>
    [
        new Share("share1", "/home/me/project", "/project", ShareTransport.VirtioFs),
        new Share("share2", "/home/me/data, old", "/data", ShareTransport.NineP, ReadOnly: true, NinePSecurityModel: "mapped-xattr"),
    ];

    public static IReadOnlyList<PortForward> SomePorts =>
    [
        new PortForward(8080, 80),
        new PortForward(5353, 53, "udp"),
    ];
}
