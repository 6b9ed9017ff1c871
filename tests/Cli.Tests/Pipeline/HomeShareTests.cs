using Diskless.Abstractions;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// At each start, a virtiofs root's /home is handed to a provider that serves it apart only when it is a real folder of
/// the root: the guest could have made it a link to a host folder. Fake plugins, a real root folder.
/// </summary>
public sealed class HomeShareTests : IDisposable
{
    private readonly FakeClock _clock = new();
    private readonly PipelineSandbox _sandbox;
    private BootPlan? _started;

    public HomeShareTests()
    {
        _sandbox = new PipelineSandbox { Time = _clock };
        _sandbox.Provider.RunningState = MachineState.Crashed;
        _sandbox.Provider.Capabilities = new([ShareTransport.VirtioFs, ShareTransport.NineP], true, HomeShare: true);
        _sandbox.Provider.OnStart = plan => _started = plan;
    }

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_real_home_folder_is_served_as_its_own_share_of_the_roots_folder()
    {
        var root = await SeedMachineAsync(ShareTransport.VirtioFs, home => Directory.CreateDirectory(home));

        await UpAsync();

        var home = Assert.Single(_started!.Shares, s => s.Tag == Share.HomeTag);
        Assert.Equal(new Share(Share.HomeTag, Path.Combine(root, "home"), "/home", ShareTransport.VirtioFs, PartOfRoot: true), home);
        Assert.DoesNotContain(_sandbox.Progress.Lines, l => l.Contains("/home", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_home_the_guest_made_a_link_is_not_served_and_up_says_so()
    {
        var root = await SeedMachineAsync(ShareTransport.VirtioFs, home => File.CreateSymbolicLink(home, "/etc"));

        await UpAsync();

        Assert.Equal([Share.RootTag], _started!.Shares.Select(s => s.Tag));
        var warning = Assert.Single(_sandbox.Progress.Lines, l => l.Contains("/home is not served", StringComparison.Ordinal));
        Assert.Contains($"{Path.Combine(root, "home")}: it is a symbolic link (to /etc)", warning, StringComparison.Ordinal);
        Assert.StartsWith("warn: ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_9p_root_or_a_provider_without_a_home_share_gets_none_and_no_warning()
    {
        await SeedMachineAsync(ShareTransport.NineP, home => Directory.CreateDirectory(home));
        await UpAsync();
        Assert.Equal([Share.RootTag], _started!.Shares.Select(s => s.Tag));

        _sandbox.Provider.Capabilities = _sandbox.Provider.Capabilities with { HomeShare = false };
        await SeedMachineAsync(ShareTransport.VirtioFs, _ => { });
        await UpAsync();
        Assert.Equal([Share.RootTag], _started!.Shares.Select(s => s.Tag));
        Assert.DoesNotContain(_sandbox.Progress.Lines, l => l.Contains("/home", StringComparison.Ordinal));
    }

    // The fake guest dies while booting: up fails, after the provider was handed its plan.
    private Task UpAsync() =>
        Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(_sandbox.Services(), null, new UpOptions(), CancellationToken.None)));

    /// <summary>A machine whose first up completed: its record and a root with a kernel and <paramref name="makeHome"/>'s home.</summary>
    private async Task<string> SeedMachineAsync(ShareTransport transport, Action<string> makeHome)
    {
        var record = await _sandbox.CreatedMachineAsync(r => r with { RootTransport = transport, Booted = true });
        makeHome(Path.Combine(record.RootPath, "home"));
        return record.RootPath;
    }
}
