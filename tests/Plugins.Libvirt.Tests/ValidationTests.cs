using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.Libvirt.Tests;

public sealed class ValidationTests
{
    private static MachineSpec Machine(ProviderSpec provider, IReadOnlyList<PortForward>? ports = null, IReadOnlyList<SyncedFolder>? folders = null) =>
        new("dev", "/project", "/project/Disklessfile", 2, 1024,
            new DistroSpec("debian", null, null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
            provider, new ShareSpec(null), folders ?? [], ports ?? [], [], TimeSpan.FromMinutes(5));

    private static LibvirtProvider Provider(bool isRoot = true) =>
        new(LibvirtHostProbe.Real, LibvirtTimings.Default, TimeProvider.System, isRoot);

    [Fact]
    public async Task A_valid_machine_has_no_issues_and_the_plugin_says_it_lacks_nothing()
    {
        var provider = Provider();

        var issues = await provider.ValidateAsync(Machine(LibvirtPlans.Provider(("uri", "qemu:///system"), ("graceful_timeout", "30s"))), CancellationToken.None);

        Assert.Empty(issues);
        Assert.Empty(provider.MissingCapabilities);
        Assert.False(provider.Capabilities.UserNamespace);
    }

    [Fact]
    public async Task Forwarded_ports_on_a_named_network_are_refused_at_their_line_with_the_reason()
    {
        var port = new PortForward(8080, 80, Location: new SourceLocation("Disklessfile", 14, 1));

        var issues = await Provider().ValidateAsync(Machine(LibvirtPlans.Provider(("network", "default")), ports: [port]), CancellationToken.None);

        // The named network itself is a request (the guest joins a host network); the ports on it are an error.
        Assert.Contains(issues, i => i.IsRequest && i.Message.Contains("libvirt network default", StringComparison.Ordinal));
        var issue = Assert.Single(issues, i => !i.IsRequest);
        Assert.Equal("Disklessfile:14:1: forwarded ports need user-mode networking, but this machine is on the libvirt network 'default' (reach the guest's port at its own address (diskless status shows it), or remove 'network' from [provider] to forward ports on 127.0.0.1)", issue.ToString());
    }

    [Fact]
    public async Task A_remote_uri_and_an_unknown_key_are_named_at_their_lines()
    {
        var issues = await Provider().ValidateAsync(Machine(LibvirtPlans.Provider(("uri", "qemu+ssh://host/system"), ("netwrok", "default"))), CancellationToken.None);

        Assert.Equal(2, issues.Count);
        Assert.Contains(issues, i => i.Message.Contains("uri must be", StringComparison.Ordinal) && i.Hint!.Contains("remote URIs", StringComparison.Ordinal) && i.Location!.Line == 9);
        Assert.Contains(issues, i => i.Message.Contains("unknown key 'netwrok'", StringComparison.Ordinal) && i.Hint == "did you mean 'network'?");
    }

    [Fact]
    public async Task An_ordinary_user_is_told_at_the_provider_line_that_libvirt_machines_need_root_and_what_to_use_instead()
    {
        var issues = await Provider(isRoot: false).ValidateAsync(Machine(LibvirtPlans.Provider()), CancellationToken.None);

        var issue = Assert.Single(issues);
        Assert.Equal(8, issue.Location!.Line);
        Assert.Contains("the libvirt provider needs root", issue.Message, StringComparison.Ordinal);
        Assert.Contains("name = \"qemu\"", issue.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_folder_over_virtiofs_is_refused_at_its_line_and_one_over_9p_is_not()
    {
        SyncedFolder Folder(ShareTransport? transport, int line) => new("/project/docs", "/docs", ReadOnly: true, transport, null, new SourceLocation("Disklessfile", line, 1));

        var issues = await Provider().ValidateAsync(Machine(LibvirtPlans.Provider(), folders: [Folder(null, 20), Folder(ShareTransport.NineP, 25)]), CancellationToken.None);

        var issue = Assert.Single(issues);
        Assert.Equal(20, issue.Location!.Line);
        Assert.Contains("read-only over virtiofs", issue.Message, StringComparison.Ordinal);
        Assert.Contains("transport = \"9p\"", issue.Hint, StringComparison.Ordinal);
    }
}
