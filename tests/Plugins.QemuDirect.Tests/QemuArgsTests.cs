using Diskless.Abstractions;
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
        Assert.DoesNotContain("memory-backend-memfd", string.Join(' ', args), StringComparison.Ordinal);
    }

    [Fact]
    public void A_virtiofs_root_under_KVM_gets_the_host_cpu_and_shared_memory()
    {
        var args = QemuArgs.Build(TestPlans.Plan(ShareTransport.VirtioFs), TestPlans.Kvm);

        Golden.AssertText(OnePerLine(args), "qemu-args/kvm-virtiofs-root.txt");
    }

    [Fact]
    public void Synced_folders_of_both_transports_and_tcp_and_udp_ports_all_appear()
    {
        var plan = TestPlans.Plan(ShareTransport.VirtioFs, extraShares: TestPlans.MixedFolders, ports: TestPlans.SomePorts);

        var args = QemuArgs.Build(plan, TestPlans.Tcg);

        Golden.AssertText(OnePerLine(args), "qemu-args/tcg-virtiofs-root-mixed-folders-ports.txt");
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

        Assert.DoesNotContain("-sandbox", args);
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
}
