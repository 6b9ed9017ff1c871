using System.Globalization;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

public class QemuArgsTests
{
    private static string OnePerLine(IReadOnlyList<string> args) => string.Join('\n', args) + "\n";

    [Fact]
    public void A_9p_root_under_TCG_gets_an_emulated_cpu_and_no_shared_memory()
    {
        var args = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP), TestPlans.Tcg);

        Golden.AssertText(OnePerLine(args), "qemu-args/tcg-9p-root.txt");
        Assert.Equal("tcg", OptionList.Parse(ValueOf(args, "-accel")).Head);
        Assert.Equal(QemuSettings.DefaultTcgCpu, ValueOf(args, "-cpu"));
        Assert.NotEqual("host", OptionList.Parse(ValueOf(args, "-cpu")).Head);
        Assert.DoesNotContain("memory-backend-memfd", string.Join(' ', args), StringComparison.Ordinal);
        Assert.Empty(ValuesOf(args, "-object"));
        Assert.Empty(ValuesOf(args, "-numa"));

        // The root really is the 9p export: its fsdev serves the root folder under the tag the initramfs mounts.
        var fsdev = Assert.Single(QemuArgList.Lists(args, "-fsdev", "local"));
        Assert.Equal("/var/lib/diskless/machines/0b7e4c/root", fsdev["path"]);
        var device = Assert.Single(QemuArgList.Lists(args, "-device", "virtio-9p-pci"));
        Assert.Equal((fsdev["id"], Share.RootTag), (device["fsdev"], device["mount_tag"]));
        Assert.Empty(QemuArgList.Lists(args, "-device", "vhost-user-fs-pci"));
    }

    [Fact]
    public void A_virtiofs_root_under_KVM_gets_the_host_cpu_and_shared_memory()
    {
        var args = QemuArgs.Build(TestPlans.Plan(ShareTransport.VirtioFs), TestPlans.Kvm);

        Golden.AssertText(OnePerLine(args), "qemu-args/kvm-virtiofs-root.txt");
        Assert.Equal("kvm", ValueOf(args, "-accel"));
        Assert.Equal("host", ValueOf(args, "-cpu"));

        // vhost-user-fs needs all guest RAM in one shared mapping virtiofsd can map: a memfd backend with share=on,
        // as large as -m, and the (only) NUMA node built from that very backend.
        var memory = Assert.Single(QemuArgList.Lists(args, "-object", "memory-backend-memfd"));
        Assert.Equal("on", memory["share"]);
        Assert.Equal(ValueOf(args, "-m"), memory["size"]);
        var numa = OptionList.Parse(ValueOf(args, "-numa"));
        Assert.Equal("node", numa.Head);
        Assert.Equal(memory["id"], numa["memdev"]);

        var root = Assert.Single(QemuArgList.Lists(args, "-device", "vhost-user-fs-pci"));
        Assert.Equal(Share.RootTag, root["tag"]);
        Assert.Equal("/run/diskless/3f2a9c/vfs0.sock", Chardev(args, root["chardev"])["path"]);
    }

    [Fact]
    public void Synced_folders_of_both_transports_and_tcp_and_udp_ports_all_appear()
    {
        var plan = TestPlans.Plan(ShareTransport.VirtioFs, extraShares: TestPlans.MixedFolders, ports: TestPlans.SomePorts);

        var args = QemuArgs.Build(plan, TestPlans.Tcg);

        Golden.AssertText(OnePerLine(args), "qemu-args/tcg-virtiofs-root-mixed-folders-ports.txt");

        // Every share, root and synced folders alike, has exactly one device of its transport under its own tag.
        var virtiofs = QemuArgList.Lists(args, "-device", "vhost-user-fs-pci");
        var ninep = QemuArgList.Lists(args, "-device", "virtio-9p-pci");
        Assert.Equal(plan.Shares.Count, virtiofs.Count + ninep.Count);
        Assert.Equal(plan.Shares.Where(s => s.Transport == ShareTransport.VirtioFs).Select(s => s.Tag), virtiofs.Select(d => d["tag"]));
        Assert.Equal(plan.Shares.Where(s => s.Transport == ShareTransport.NineP).Select(s => s.Tag), ninep.Select(d => d["mount_tag"]));
        foreach (var device in virtiofs)
        {
            Assert.Equal("socket", Chardev(args, device["chardev"]).Head);
        }

        var data = TestPlans.MixedFolders.Single(s => s.Transport == ShareTransport.NineP);
        var fsdev = QemuArgList.Lists(args, "-fsdev", "local").Single(f => f["id"] == Assert.Single(ninep)["fsdev"]);
        Assert.Equal(data.HostPath, fsdev["path"]);
        Assert.Equal(data.NinePSecurityModel, fsdev["security_model"]);
        Assert.Equal("on", fsdev["readonly"]);

        // SSH and every forwarded port, tcp and udp, and each bound to loopback only: never 0.0.0.0 nor an empty
        // host address (both of which QEMU reads as every interface, opening the guest to the network).
        var forwards = OptionList.Parse(ValueOf(args, "-netdev")).All("hostfwd").Select(HostForward.Parse).ToList();
        Assert.Equal(
            [("tcp", 2222, 22), ("tcp", 8080, 80), ("udp", 5353, 53)],
            forwards.Select(f => (f.Protocol, f.HostPort, f.GuestPort)));
        Assert.All(forwards, f => Assert.Equal("127.0.0.1", f.HostAddress));
    }

    [Fact]
    public void Extra_args_from_the_disklessfile_come_last_and_unchanged()
    {
        var plan = TestPlans.Plan(ShareTransport.NineP, provider: TestPlans.Provider(("extra_args", new List<object> { "-device", "virtio-balloon-pci" })));

        var args = QemuArgs.Build(plan, TestPlans.Tcg);

        Assert.Equal(["-device", "virtio-balloon-pci"], args.TakeLast(2));
    }

    [Fact]
    public void Under_TCG_the_cpu_is_the_fast_qemu64_unless_the_disklessfile_names_another()
    {
        var defaults = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP), TestPlans.Tcg);
        var chosen = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP, provider: TestPlans.Provider(("cpu", "max"))), TestPlans.Tcg);
        var underKvm = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP, provider: TestPlans.Provider(("cpu", "max"))), TestPlans.Tcg with { UseKvm = true });

        Assert.Equal("qemu64,-svm", defaults[defaults.ToList().IndexOf("-cpu") + 1]);
        Assert.Equal("max", chosen[chosen.ToList().IndexOf("-cpu") + 1]);
        Assert.Equal("host", underKvm[underKvm.ToList().IndexOf("-cpu") + 1]);
    }

    [Fact]
    public void Unused_q35_devices_are_switched_off_only_where_this_qemu_knows_the_switch()
    {
        var current = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP), TestPlans.Tcg);
        var older = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP), TestPlans.Tcg with { MachineProperties = new HashSet<string>(["sata", "smbus"]) });

        Assert.Equal("q35,sata=off,smbus=off,i8042=off,vmport=off", After(current, "-machine"));
        Assert.Equal("q35,sata=off,smbus=off", After(older, "-machine"));
    }

    [Fact]
    public void The_user_network_is_spelled_out_as_the_guest_is_told()
    {
        var netdev = After(QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP), TestPlans.Tcg), "-netdev");
        var guest = UserNetwork.Describe();

        Assert.StartsWith("user,id=net0,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3,", netdev, StringComparison.Ordinal);
        Assert.Equal("10.0.2.15", guest.Static!.Address.ToString());
        Assert.Equal("10.0.2.2", guest.Static.Gateway.ToString());
        Assert.Equal(["10.0.2.3"], guest.Nameservers.Select(a => a.ToString()));
    }

    [Fact]
    public void Without_seccomp_there_is_no_sandbox_option()
    {
        var args = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP), TestPlans.Tcg with { Sandbox = false });
        var sandboxed = QemuArgs.Build(TestPlans.Plan(ShareTransport.NineP), TestPlans.Tcg);

        Assert.DoesNotContain("-sandbox", args);

        // The control: with seccomp the option is there, so its absence above is not a misspelt name.
        Assert.Equal("on", OptionList.Parse(ValueOf(sandboxed, "-sandbox")).Head);
    }

    [Fact]
    public void Read_only_is_qemus_own_switch_over_9p_and_virtiofsds_mount_namespace_over_virtiofs()
    {
        Share Folder(ShareTransport transport, bool readOnly) => new("share1", "/home/me/extra", "/extra", transport, ReadOnly: readOnly);
        IReadOnlyList<string> Args(Share folder) => QemuArgs.Build(TestPlans.Plan(ShareTransport.VirtioFs, extraShares: [folder]), TestPlans.Tcg);

        var ninePReadOnly = QemuArgList.Lists(Args(Folder(ShareTransport.NineP, readOnly: true)), "-fsdev", "local").Single();
        var ninePWritable = QemuArgList.Lists(Args(Folder(ShareTransport.NineP, readOnly: false)), "-fsdev", "local").Single();
        var virtiofsReadOnly = Args(Folder(ShareTransport.VirtioFs, readOnly: true));
        var virtiofsWritable = Args(Folder(ShareTransport.VirtioFs, readOnly: false));

        // QEMU refuses every write to a readonly=on 9p export itself, whatever the guest remounts.
        Assert.Equal("on", ninePReadOnly["readonly"]);
        Assert.Empty(ninePWritable.All("readonly"));

        // vhost-user-fs has no such switch: QEMU's side of a read-only virtiofs folder is that of a writable one, and
        // its virtiofsd is what runs behind a read-only bind (VirtiofsdCommandTests).
        Assert.Equal(virtiofsWritable, virtiofsReadOnly);
    }

    [Fact]
    public void Commas_in_paths_are_doubled_inside_option_lists()
    {
        var plan = TestPlans.Plan(ShareTransport.NineP, rootPath: "/srv/a,b");

        var args = QemuArgs.Build(plan, TestPlans.Tcg);

        Assert.Contains(args, a => a.StartsWith("local,id=fs0,path=/srv/a,,b,", StringComparison.Ordinal));
        Assert.Contains("/srv/a,b/boot/vmlinuz-6.1.0-56-amd64", args);
    }

    private static string After(IReadOnlyList<string> args, string option) => args[args.ToList().IndexOf(option) + 1];

    private static string ValueOf(IReadOnlyList<string> args, string option) => QemuArgList.ValueOf(args, option);

    private static IReadOnlyList<string> ValuesOf(IReadOnlyList<string> args, string option) => QemuArgList.ValuesOf(args, option);

    /// <summary>The -chardev whose id is <paramref name="id"/>: what a device's chardev= refers to.</summary>
    private static OptionList Chardev(IReadOnlyList<string> args, string id) =>
        Assert.Single(ValuesOf(args, "-chardev").Select(OptionList.Parse), c => c.All("id").Contains(id));

    /// <summary>One hostfwd rule, "protocol:hostaddr:hostport-guestaddr:guestport" (guestaddr may be empty).</summary>
    private sealed record HostForward(string Protocol, string HostAddress, int HostPort, int GuestPort)
    {
        public static HostForward Parse(string rule)
        {
            var sides = rule.Split('-', 2);
            var host = sides[0].Split(':');
            Assert.Equal(3, host.Length);
            var guestPort = sides[1][(sides[1].LastIndexOf(':') + 1)..];
            return new HostForward(host[0], host[1], int.Parse(host[2], CultureInfo.InvariantCulture), int.Parse(guestPort, CultureInfo.InvariantCulture));
        }
    }
}
