using System.Xml.Linq;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Plugins.Libvirt.Tests;

/// <summary>The passt user-mode network: the probe that decides it, and the domain where libvirt accepts it.</summary>
public sealed class PasstTests : IDisposable
{
    private static readonly XNamespace Qemu = "http://libvirt.org/schemas/domain/qemu/1.0";

    /// <summary>domcapabilities of a libvirt that lists interface backends (10.x and later).</summary>
    private const string CapabilitiesListingPasst = """
        <domainCapabilities>
          <devices>
            <interface supported='yes'>
              <enum name='backendType'>
                <value>default</value>
                <value>passt</value>
              </enum>
            </interface>
          </devices>
        </domainCapabilities>
        """;

    private readonly VirshScript _virsh = new();

    public void Dispose() => _virsh.Dispose();

    [Fact]
    public void Where_passt_works_the_user_network_is_a_passt_interface_forwarding_ssh_and_the_ports_on_their_host_addresses_only()
    {
        var plan = LibvirtPlans.Plan(ShareTransport.VirtioFs, ports: LibvirtPlans.SomePorts) with { GuestAsksDhcp = true };
        var xml = DomainPlanner.Render(DomainPlanner.Plan(plan, LibvirtSettings.Parse(plan.Provider), LibvirtPlans.Tcg with { Passt = true }), new ScribanTemplates());

        Golden.AssertText(xml, "passt-ports.xml");
        var domain = XElement.Parse(xml);
        Assert.Null(domain.Element(Qemu + "commandline"));
        var nic = Assert.Single(domain.Element("devices")!.Elements("interface"));
        Assert.Equal("user", (string?)nic.Attribute("type"));
        Assert.Equal("passt", (string?)nic.Element("backend")!.Attribute("type"));
        var forwards = nic.Elements("portForward")
            .Select(f => ((string?)f.Attribute("proto"), (string?)f.Attribute("address"), (string?)f.Element("range")!.Attribute("start"), (string?)f.Element("range")!.Attribute("to")))
            .ToList();
        Assert.Equal([("tcp", "127.0.0.1", "2222", "22"), ("tcp", "127.0.0.1", "8080", "80"), ("udp", "127.0.0.1", "5353", "53")], forwards);
        // A portForward without an address would listen on every host address.
        Assert.All(nic.Elements("portForward"), f => Assert.Equal("127.0.0.1", (string?)f.Attribute("address")));
    }

    [Fact]
    public void A_root_configured_for_the_fixed_user_mode_address_keeps_that_network_even_where_passt_works()
    {
        // Configured while libvirt refused passt, started after an upgrade: passt's DHCP would leave the guest unreachable.
        var plan = LibvirtPlans.Plan(ShareTransport.VirtioFs, ports: LibvirtPlans.SomePorts) with { GuestAsksDhcp = false };
        var domain = XElement.Parse(DomainPlanner.Render(DomainPlanner.Plan(plan, LibvirtSettings.Parse(plan.Provider), LibvirtPlans.Tcg with { Passt = true }), new ScribanTemplates()));

        Assert.Empty(domain.Element("devices")!.Elements("interface"));
        var arguments = domain.Element(Qemu + "commandline")!.Elements(Qemu + "arg").Select(a => (string?)a.Attribute("value")).ToList();
        Assert.Contains(arguments, a => a!.StartsWith("user,", StringComparison.Ordinal) && a.Contains("hostfwd=tcp:127.0.0.1:2222-:22", StringComparison.Ordinal));
    }

    [Fact]
    public void On_a_libvirt_network_passt_is_not_used_even_where_it_works()
    {
        var plan = LibvirtPlans.Plan(ShareTransport.VirtioFs, provider: LibvirtPlans.Provider(("network", "default")));
        var domain = XElement.Parse(DomainPlanner.Render(DomainPlanner.Plan(plan, LibvirtSettings.Parse(plan.Provider), LibvirtPlans.Tcg with { Passt = true }), new ScribanTemplates()));

        var nic = Assert.Single(domain.Element("devices")!.Elements("interface"));
        Assert.Equal("network", (string?)nic.Attribute("type"));
        Assert.Null(domain.Element(Qemu + "commandline"));
    }

    [Fact]
    public async Task Where_libvirt_refuses_passt_the_throwaway_domain_is_undefined_and_the_guest_keeps_its_fixed_address()
    {
        var network = await _virsh.Provider().DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);

        AssertNetwork(UserNetwork.Describe(), network);
        Assert.Equal(
            "/usr/bin/virsh -c qemu:///system domcapabilities\n" +
            "/usr/bin/virsh -c qemu:///system define /dev/stdin\n" +
            $"/usr/bin/virsh -c qemu:///system undefine {VirshScript.ThrowawayName}\n",
            _virsh.Transcript);
        var probe = XElement.Parse(_virsh.Host.Runner.Commands.Single(c => c.Arguments.Contains("define")).StandardInput!);
        Assert.Equal(VirshScript.ThrowawayName, (string?)probe.Element("name"));
        Assert.Equal("passt", (string?)probe.Element("devices")!.Element("interface")!.Element("backend")!.Attribute("type"));
        Assert.Equal("127.0.0.1", (string?)probe.Element("devices")!.Element("interface")!.Element("portForward")!.Attribute("address"));
    }

    [Fact]
    public async Task Where_libvirt_accepts_passt_and_passt_is_installed_the_guest_asks_dhcp_and_the_domain_uses_passt()
    {
        _virsh.Host.Executables["passt"] = "/usr/bin/passt";
        _virsh.Host.Runner.Print("virsh", "Domain 'diskless-probe-passt-1' defined from /dev/stdin\n", "define", "/dev/stdin");
        _virsh.Host.Runner.Print("virsh", "Domain 'diskless-probe-passt-1' has been undefined\n", "undefine", VirshScript.ThrowawayName);
        _virsh.DomainStates("running (booted)");
        var provider = _virsh.Provider();

        var network = await provider.DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);
        // As up does: the root is configured for the network described, and the plan says what it was configured for.
        var plan = _virsh.Plan() with { GuestAsksDhcp = network.Static is null };
        var running = await _virsh.RunAsync(() => provider.StartAsync(plan, _virsh.Host, CancellationToken.None));

        AssertNetwork(GuestNetwork.Dhcp(), network);
        Assert.Equal(new SshEndpoint("127.0.0.1", _virsh.SshPort), running.Ssh);
        // Probed once for the process: the start plans what the description promised, without asking again.
        Assert.Single(_virsh.Host.Runner.Commands, c => c.Arguments.Contains("/dev/stdin"));
        Assert.Single(_virsh.Host.Runner.Commands, c => c.Arguments.Contains(VirshScript.ThrowawayName));
        var domain = XElement.Load(Path.Combine(_virsh.StateDirectory, DomainLauncher.DomainFileName));
        Assert.Equal("passt", (string?)domain.Element("devices")!.Element("interface")!.Element("backend")!.Attribute("type"));
        Assert.Null(domain.Element(Qemu + "commandline"));
    }

    [Fact]
    public async Task Where_libvirt_accepts_passt_but_passt_is_not_installed_the_fallback_is_used()
    {
        _virsh.Host.Runner.Print("virsh", "", "define", "/dev/stdin");

        var network = await _virsh.Provider().DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);

        AssertNetwork(UserNetwork.Describe(), network);
        Assert.Contains(_virsh.Host.RecordedProgress.Lines, l => l.Contains("apt-get install -y passt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_domcapabilities_that_lists_interface_backends_answers_without_a_throwaway_domain()
    {
        _virsh.Host.Executables["passt"] = "/usr/bin/passt";
        _virsh.Host.Runner.Print("virsh", CapabilitiesListingPasst, "domcapabilities");

        var network = await _virsh.Provider().DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);

        AssertNetwork(GuestNetwork.Dhcp(), network);
        Assert.Equal("/usr/bin/virsh -c qemu:///system domcapabilities\n", _virsh.Transcript);
    }

    [Fact]
    public async Task A_domcapabilities_that_lists_backends_without_passt_means_no_passt()
    {
        _virsh.Host.Executables["passt"] = "/usr/bin/passt";
        _virsh.Host.Runner.Print("virsh", CapabilitiesListingPasst.Replace("<value>passt</value>", "", StringComparison.Ordinal), "domcapabilities");

        var network = await _virsh.Provider().DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);

        AssertNetwork(UserNetwork.Describe(), network);
        Assert.DoesNotContain(_virsh.Host.Runner.Commands, c => c.Arguments.Contains("define"));
    }

    [Fact]
    public async Task A_cancelled_probe_still_undefines_the_throwaway_domain()
    {
        using var cancellation = new CancellationTokenSource();
        _virsh.Host.Runner.On("virsh", _ =>
        {
            cancellation.Cancel();
            throw new OperationCanceledException(cancellation.Token);
        }, "define", "/dev/stdin");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _virsh.Provider().DescribeNetworkAsync(Specs(), _virsh.Host, cancellation.Token));

        Assert.EndsWith($"/usr/bin/virsh -c qemu:///system undefine {VirshScript.ThrowawayName}\n", _virsh.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_define_that_fails_for_another_reason_still_undefines_the_throwaway_domain_and_falls_back()
    {
        _virsh.Host.Runner.Fail("virsh", 1, "error: Failed to define domain from /dev/stdin\nerror: operation failed: domain 'diskless-probe-passt-1' already exists\n", "define", "/dev/stdin");

        var network = await _virsh.Provider().DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);

        AssertNetwork(UserNetwork.Describe(), network);
        Assert.EndsWith($"undefine {VirshScript.ThrowawayName}\n", _virsh.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answer_is_cached_per_uri()
    {
        var provider = _virsh.Provider();

        await provider.DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);
        await provider.DescribeNetworkAsync(Specs(), _virsh.Host, CancellationToken.None);
        await provider.DescribeNetworkAsync(Specs(("uri", "qemu:///session")), _virsh.Host, CancellationToken.None);

        Assert.Equal(2, _virsh.Host.Runner.Commands.Count(c => c.Arguments.Contains("domcapabilities")));
        Assert.Equal(["qemu:///system", "qemu:///session"], _virsh.Host.Runner.Commands.Where(c => c.Arguments.Contains("domcapabilities")).Select(c => c.Arguments[1]));
    }

    [Fact]
    public async Task A_machine_on_a_libvirt_network_asks_dhcp_without_probing()
    {
        var network = await _virsh.Provider().DescribeNetworkAsync(Specs(("network", "default")), _virsh.Host, CancellationToken.None);

        AssertNetwork(GuestNetwork.Dhcp(), network);
        Assert.Empty(_virsh.Host.Runner.Commands);
    }

    [RequiresFact("virsh", "libvirtd", Root = true)]
    public async Task On_this_host_libvirt_refuses_passt_and_the_probe_leaves_no_domain_behind()
    {
        using var data = new TempDirectory();
        var host = new RealHost(data.Path);
        var virsh = new Virsh(LibvirtHostProbe.FindVirsh(host), LibvirtSettings.SystemUri, host.Commands);
        var name = $"diskless-probe-passt-{Guid.NewGuid():N}";

        var supported = await new PasstProbe(() => name).SupportedAsync(virsh, host, CancellationToken.None);

        // libvirt 9.0.0 (Debian 12) refuses the backend; a host with a newer libvirt must update this fact.
        Assert.False(supported);
        Assert.Contains(host.RecordedProgress.Lines, l => l.Contains("Invalid value for attribute 'type' in element 'backend': 'passt'", StringComparison.Ordinal));
        // Other machines may come and go meanwhile (CI shares the daemon); no probe domain may stay.
        Assert.DoesNotContain(await DomainNamesAsync(virsh), n => n.StartsWith("diskless-probe-passt-", StringComparison.Ordinal));
    }

    private static void AssertNetwork(GuestNetwork expected, GuestNetwork actual)
    {
        Assert.Equal(expected.Static, actual.Static);
        Assert.Equal(expected.Nameservers, actual.Nameservers);
    }

    private static async Task<List<string>> DomainNamesAsync(Virsh virsh) =>
        (await virsh.RunAsync("list domains", CancellationToken.None, "list", "--all", "--name")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private MachineSpec Specs(params (string Key, object Value)[] settings) =>
        Diskless.Testing.Specs.Machine() with { Provider = LibvirtPlans.Provider(settings) };
}
