using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// A 9p root does not make the synced folders 9p: they take the provider's default, which configure records so that
/// the guest's mounts and every later start agree, and which QEMU never serves with the guest's modes on host files.
/// </summary>
public sealed class SyncedFolderTransportTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();
    private readonly FakeClock _clock = new();
    private MachineRecord? _recordAtStart;

    public void Dispose() => _sandbox.Dispose();

    [RequiresFact("ssh-keygen", "cp")]
    public async Task Under_a_9p_root_on_a_host_with_virtiofsd_the_synced_folder_is_virtiofs_in_the_mounts_the_plan_and_the_record()
    {
        _sandbox.Provider.DefaultTransport = ShareTransport.VirtioFs;

        var plan = await FirstStartAsync();

        var configured = Assert.Single(_sandbox.Distro.Requests).Shares;
        Assert.Equal([ShareTransport.NineP, ShareTransport.VirtioFs], configured.Select(s => s.Transport));
        Assert.Equal(configured, plan.Shares);
        Assert.Equal((ShareTransport.NineP, ShareTransport.VirtioFs), (_recordAtStart!.RootTransport, _recordAtStart.FolderTransport));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task On_a_host_without_virtiofsd_the_writable_synced_folder_is_9p_with_the_guests_modes_kept_in_xattrs()
    {
        _sandbox.Provider.DefaultTransport = ShareTransport.NineP;

        var plan = await FirstStartAsync();

        var folder = plan.Shares.Single(s => !s.IsRoot);
        Assert.Equal((ShareTransport.NineP, "mapped-xattr"), (folder.Transport, folder.NinePSecurityModel));
        Assert.Equal(ShareTransport.NineP, _recordAtStart!.FolderTransport);
    }

    [Fact]
    public void A_record_written_before_folders_had_their_own_transport_keeps_the_roots()
    {
        var record = new MachineRecord
        {
            Id = "x", Name = "dev", Provider = "fakevm", Distro = "fake", CreatedAt = DateTimeOffset.UnixEpoch, RootPath = "/r",
            StateDirectory = "/s", RuntimeDirectory = "/run/x", ConsoleLogPath = "/s/console.log", RootTransport = ShareTransport.NineP,
        };

        Assert.Null(record.FolderTransport);
        Assert.Equal(ShareTransport.NineP, record.SyncedFolderTransport);
    }

    /// <summary>A first up of a 9p-root machine syncing the project, whose fake guest dies while booting, after the provider got its plan.</summary>
    private async Task<BootPlan> FirstStartAsync()
    {
        var machine = _sandbox.Machine("dev") with
        {
            Share = new ShareSpec(ShareTransport.NineP),
            SyncedFolders = [new SyncedFolder(_sandbox.Project, "/project", false, null, null, null)],
        };
        var services = _sandbox.Services() with { Project = new ProjectSpec(machine.DisklessfilePath, _sandbox.Project, [machine]) };
        (var plan, _recordAtStart) = await _sandbox.FirstStartAsync(services, _clock);
        return plan;
    }
}
