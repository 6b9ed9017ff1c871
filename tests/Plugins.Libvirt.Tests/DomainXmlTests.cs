using System.Xml.Linq;
using Diskless.Abstractions;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Plugins.Libvirt.Tests;

public sealed class DomainXmlTests
{
    private static readonly XNamespace Qemu = "http://libvirt.org/schemas/domain/qemu/1.0";

    private const string Filtered = "/root/.local/share/diskless/libvirt/virtiofsd-nosetuid-0123456789abcdef";

    private static string Render(BootPlan plan, LibvirtHostFeatures? features = null) =>
        DomainPlanner.Render(DomainPlanner.Plan(plan, LibvirtSettings.Parse(plan.Provider), features ?? LibvirtPlans.Tcg, Filtered), new ScribanTemplates());

    [Fact]
    public void A_virtiofs_root_boots_the_kernel_directly_from_a_shared_memory_domain_with_no_disk()
    {
        var xml = Render(LibvirtPlans.Plan(ShareTransport.VirtioFs));

        Golden.AssertText(xml, "virtiofs.xml");
        var domain = XElement.Parse(xml);
        Assert.Equal("qemu", (string?)domain.Attribute("type"));
        Assert.Equal("diskless-dev-0b7e4c", (string?)domain.Element("name"));
        Assert.Equal($"{LibvirtPlans.RootPath}/boot/vmlinuz-6.1.0-56-amd64", (string?)domain.Element("os")!.Element("kernel"));
        Assert.Equal($"{LibvirtPlans.RootPath}/boot/initrd.img-6.1.0-56-amd64", (string?)domain.Element("os")!.Element("initrd"));
        // libvirtd's virtiofsd runs as host root and raises itself to 1,000,000 descriptors: the guest may cache a quarter.
        Assert.Equal("root=rootfs rootfstype=virtiofs rw console=ttyS0 diskless.fuse_inodes=249984", (string?)domain.Element("os")!.Element("cmdline"));
        Assert.Equal("memfd", (string?)domain.Element("memoryBacking")!.Element("source")!.Attribute("type"));
        Assert.Equal("shared", (string?)domain.Element("memoryBacking")!.Element("access")!.Attribute("mode"));
        var devices = domain.Element("devices")!;
        Assert.Empty(devices.Elements("disk"));
        Assert.Null(domain.Element("os")!.Element("boot"));
        var root = Assert.Single(devices.Elements("filesystem"));
        Assert.Equal("virtiofs", (string?)root.Element("driver")!.Attribute("type"));
        // The root's virtiofsd runs unfiltered: the guest's sudo needs its setuid bit.
        Assert.Equal("/usr/lib/qemu/virtiofsd", (string?)root.Element("binary")!.Attribute("path"));
        Assert.Equal("on", (string?)root.Element("binary")!.Attribute("xattr"));
        Assert.Equal(LibvirtPlans.RootPath, (string?)root.Element("source")!.Attribute("dir"));
        Assert.Equal(Share.RootTag, (string?)root.Element("target")!.Attribute("dir"));
        Assert.Equal("/home/me/project/.diskless/machines/dev/console.log", (string?)devices.Element("serial")!.Element("source")!.Attribute("path"));
    }

    [Fact]
    public void A_synced_folder_over_virtiofs_is_never_planned_with_the_bare_virtiofsd()
    {
        var plan = LibvirtPlans.Plan(ShareTransport.VirtioFs, extraShares: [new Share("share1", "/home/me/project", "/project", ShareTransport.VirtioFs)]);

        Assert.True(DomainPlanner.HasVirtiofsSyncedFolder(plan));
        Assert.False(DomainPlanner.HasVirtiofsSyncedFolder(LibvirtPlans.Plan(ShareTransport.VirtioFs)));
        Assert.Throws<InvalidOperationException>(() => DomainPlanner.Plan(plan, LibvirtSettings.Parse(plan.Provider), LibvirtPlans.Tcg));
    }

    [Fact]
    public void The_domain_runs_qemu_as_root_and_relabels_nothing_so_the_root_keeps_its_owners()
    {
        var domain = XElement.Parse(Render(LibvirtPlans.Plan(ShareTransport.NineP)));

        var seclabel = domain.Element("seclabel")!;
        Assert.Equal(("static", "dac", "no", "+0:+0"), ((string?)seclabel.Attribute("type"), (string?)seclabel.Attribute("model"), (string?)seclabel.Attribute("relabel"), (string?)seclabel.Element("label")));
    }

    [Fact]
    public void A_9p_root_uses_the_path_driver_with_passthrough_and_needs_no_shared_memory()
    {
        var xml = Render(LibvirtPlans.Plan(ShareTransport.NineP));

        Golden.AssertText(xml, "9p.xml");
        var domain = XElement.Parse(xml);
        Assert.Null(domain.Element("memoryBacking"));
        var root = Assert.Single(domain.Element("devices")!.Elements("filesystem"));
        Assert.Equal(("path", "passthrough", "remap"), ((string?)root.Element("driver")!.Attribute("type"), (string?)root.Attribute("accessmode"), (string?)root.Attribute("multidevs")));
        Assert.Null(root.Element("binary"));
    }

    [Fact]
    public void Synced_folders_get_one_filesystem_each_with_their_own_transport_tag_and_read_only_flag_escaped_as_xml()
    {
        var xml = Render(LibvirtPlans.Plan(ShareTransport.NineP, extraShares: LibvirtPlans.MixedFolders));

        Golden.AssertText(xml, "synced-folders.xml");
        var filesystems = XElement.Parse(xml).Element("devices")!.Elements("filesystem").ToList();
        Assert.Equal([Share.RootTag, "share1", "share2"], filesystems.Select(f => (string?)f.Element("target")!.Attribute("dir")));
        Assert.Equal("virtiofs", (string?)filesystems[1].Element("driver")!.Attribute("type"));
        Assert.Null(filesystems[1].Element("readonly"));
        // The synced folder's virtiofsd is the filtered script (no setuid door for a guest to open as host root).
        Assert.Equal(Filtered, (string?)filesystems[1].Element("binary")!.Attribute("path"));
        Assert.Equal("/home/me/data & <old>", (string?)filesystems[2].Element("source")!.Attribute("dir"));
        Assert.NotNull(filesystems[2].Element("readonly"));
        Assert.Equal("mapped", (string?)filesystems[2].Attribute("accessmode"));
        // One virtiofs folder is enough to need shared memory, even over a 9p root.
        Assert.NotNull(XElement.Parse(xml).Element("memoryBacking"));
    }

    [Fact]
    public void User_mode_networking_forwards_ssh_and_the_ports_on_loopback_from_a_nic_at_a_fixed_root_bus_slot()
    {
        var xml = Render(LibvirtPlans.Plan(ShareTransport.VirtioFs, ports: LibvirtPlans.SomePorts));

        Golden.AssertText(xml, "user-network-ports.xml");
        var domain = XElement.Parse(xml);
        Assert.Empty(domain.Element("devices")!.Elements("interface"));
        var args = domain.Element(Qemu + "commandline")!.Elements(Qemu + "arg").Select(a => (string?)a.Attribute("value")).ToList();
        Assert.Equal(
            [
                "-netdev",
                "user,id=dn0,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53",
                "-device",
                "virtio-net-pci,netdev=dn0,bus=pcie.0,addr=0x10",
            ],
            args);
    }

    [Fact]
    public void A_named_network_is_a_libvirt_interface_and_no_qemu_command_line()
    {
        var plan = LibvirtPlans.Plan(ShareTransport.VirtioFs, provider: LibvirtPlans.Provider(("network", "default")));

        var xml = Render(plan);

        Golden.AssertText(xml, "named-network.xml");
        var domain = XElement.Parse(xml);
        var nic = Assert.Single(domain.Element("devices")!.Elements("interface"));
        Assert.Equal(("network", "default", "virtio"), ((string?)nic.Attribute("type"), (string?)nic.Element("source")!.Attribute("network"), (string?)nic.Element("model")!.Attribute("type")));
        Assert.Null(domain.Element(Qemu + "commandline"));
    }

    [Fact]
    public void Kvm_makes_a_kvm_domain_with_the_host_cpu_and_tcg_a_qemu_domain_with_qemu64_without_svm()
    {
        var kvm = XElement.Parse(Render(LibvirtPlans.Plan(ShareTransport.VirtioFs), LibvirtPlans.Tcg with { UseKvm = true }));
        var tcg = XElement.Parse(Render(LibvirtPlans.Plan(ShareTransport.VirtioFs)));

        Assert.Equal(("kvm", "host-passthrough"), ((string?)kvm.Attribute("type"), (string?)kvm.Element("cpu")!.Attribute("mode")));
        Assert.Equal(("qemu", "qemu64"), ((string?)tcg.Attribute("type"), (string?)tcg.Element("cpu")!.Element("model")));
        Assert.Equal("svm", (string?)tcg.Element("cpu")!.Element("feature")!.Attribute("name"));
    }

    [Fact]
    public void Two_projects_with_a_machine_of_the_same_name_get_different_domains_and_one_machine_always_the_same()
    {
        var one = DomainIdentity.For("dev", "0b7e4c112233");
        var other = DomainIdentity.For("dev", "9a8b7c665544");

        Assert.NotEqual(one.Name, other.Name);
        Assert.NotEqual(one.Uuid, other.Uuid);
        Assert.Equal(one, DomainIdentity.For("dev", "0b7e4c112233"));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", one.UuidText);
    }

    [Fact]
    public void The_metadata_names_the_machine_its_id_and_its_project_state()
    {
        var domain = XElement.Parse(Render(LibvirtPlans.Plan(ShareTransport.VirtioFs)));

        var machine = Assert.Single(domain.Element("metadata")!.Elements());
        Assert.Equal("machine", machine.Name.LocalName);
        Assert.Equal(("dev", "0b7e4c", "/home/me/project/.diskless/machines/dev"), ((string?)machine.Attribute("name"), (string?)machine.Attribute("id"), (string?)machine.Attribute("state")));
    }
}
