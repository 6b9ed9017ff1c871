using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt.Tests;

public sealed class ErrorTests : IDisposable
{
    private readonly VirshScript _virsh = new();

    public void Dispose() => _virsh.Dispose();

    [Fact]
    public async Task Libvirtd_not_running_says_how_to_start_it()
    {
        _virsh.Host.Runner.Fail(
            "virsh", 1,
            "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n",
            "version");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None));

        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.StartsWith("libvirtd is not running", error.Message, StringComparison.Ordinal);
        Assert.Contains("libvirtd -d", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_permission_on_the_socket_names_the_libvirt_group()
    {
        _virsh.Host.Runner.Fail(
            "virsh", 1,
            "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied\n",
            "domstate");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.Provider().StatusAsync(_virsh.Handle(), _virsh.Host, CancellationToken.None));

        Assert.Contains("may not manage qemu:///system", error.Message, StringComparison.Ordinal);
        Assert.Contains("usermod -aG libvirt", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Polkit_without_a_system_bus_is_the_same_permission_problem()
    {
        _virsh.Host.Runner.Fail(
            "virsh", 1,
            "error: failed to connect to the hypervisor\nerror: internal error: Unable to get system bus connection: Could not connect: No such file or directory\n",
            "version");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None));

        Assert.Contains("usermod -aG libvirt", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Virtlogd_not_running_says_how_to_start_it()
    {
        _virsh.Host.Runner.Fail("virsh", 1, "error: Failed to start domain 'diskless-dev-0b7e4c'\nerror: Failed to connect socket to '/var/run/libvirt/virtlogd-sock': No such file or directory\n", "start");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None)));

        Assert.StartsWith("virtlogd is not running", error.Message, StringComparison.Ordinal);
        Assert.Contains("virtlogd -d", error.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unsupported configuration: virtiofs is not yet supported in session mode")] // libvirt 9.0, qemu:///session as an ordinary user
    [InlineData("unsupported configuration: 'virtiofs' filesystem driver is not supported with this QEMU binary")]
    public async Task Virtiofs_unsupported_by_libvirt_points_at_9p(string said)
    {
        _virsh.Host.Runner.Fail("virsh", 1, $"error: Failed to define domain from domain.xml\nerror: {said}\n", "define");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None)));

        Assert.Contains("cannot share a folder over virtiofs", error.Message, StringComparison.Ordinal);
        Assert.Contains(said, error.Message, StringComparison.Ordinal);
        Assert.Contains("transport = \"9p\"", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_virsh_says_which_packages_to_install()
    {
        _virsh.Host.Executables.Remove("virsh");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None));

        Assert.Contains("libvirt-daemon-system", error.Hint, StringComparison.Ordinal);
    }
}
