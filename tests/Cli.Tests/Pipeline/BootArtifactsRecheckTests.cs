using Diskless.Abstractions;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// A later up checks the recorded kernel and initrd again before the provider starts: the guest may have replaced
/// them with a link to a host file, a fifo or a folder since they were recorded.
/// </summary>
public sealed class BootArtifactsRecheckTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [RequiresFact("ssh-keygen")]
    public async Task An_initrd_the_guest_turned_into_a_link_to_a_host_file_is_refused_before_the_provider_starts()
    {
        var hostSecret = Path.Combine(_sandbox.Root, "shadow");
        await File.WriteAllTextAsync(hostSecret, "root:$6$secret");
        var initrd = await MachineWithInitrdAsync(path => File.CreateSymbolicLink(path, hostSecret));

        var error = await Assert.ThrowsAsync<DisklessException>(UpAsync);

        Assert.Empty(_sandbox.Provider.Calls);
        Assert.Equal(ExitCodes.WrongMachineState, error.ExitCode);
        Assert.Contains(initrd, error.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Contains("diskless destroy", error.Hint, StringComparison.Ordinal);
    }

    [RequiresFact("ssh-keygen")]
    public async Task An_initrd_reached_through_a_linked_boot_folder_is_refused()
    {
        var hostBoot = Directory.CreateDirectory(Path.Combine(_sandbox.Root, "host-boot")).FullName;
        await File.WriteAllTextAsync(Path.Combine(hostBoot, "initrd.img"), "host file");
        await _sandbox.CreatedMachineAsync(r =>
        {
            File.CreateSymbolicLink(Path.Combine(r.RootPath, "linked"), hostBoot);
            return r with { Artifacts = r.Artifacts! with { InitrdPath = Path.Combine(r.RootPath, "linked", "initrd.img") } };
        });

        await Assert.ThrowsAsync<DisklessException>(UpAsync);

        Assert.Empty(_sandbox.Provider.Calls);
    }

    [RequiresFact("ssh-keygen", "mkfifo")]
    public async Task An_initrd_that_became_a_fifo_is_refused()
    {
        await MachineWithInitrdAsync(path =>
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", path);
            mkfifo.WaitForExit();
        });

        var error = await Assert.ThrowsAsync<DisklessException>(UpAsync);

        Assert.Empty(_sandbox.Provider.Calls);
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("ssh-keygen")]
    public async Task An_initrd_that_became_a_folder_is_refused()
    {
        await MachineWithInitrdAsync(path => Directory.CreateDirectory(path));

        var error = await Assert.ThrowsAsync<DisklessException>(UpAsync);

        Assert.Empty(_sandbox.Provider.Calls);
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("ssh-keygen")]
    public async Task An_empty_initrd_is_refused()
    {
        await MachineWithInitrdAsync(path => File.WriteAllText(path, ""));

        var error = await Assert.ThrowsAsync<DisklessException>(UpAsync);

        Assert.Empty(_sandbox.Provider.Calls);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("ssh-keygen")]
    public async Task An_initrd_path_outside_the_root_is_refused()
    {
        await _sandbox.CreatedMachineAsync(r =>
        {
            // Reads as inside the root, but ".." leads out of it.
            var climbing = Path.Combine(r.RootPath, "..", "initrd.img");
            File.WriteAllText(climbing, "initrd");
            return r with { Artifacts = r.Artifacts! with { InitrdPath = climbing } };
        });

        var error = await Assert.ThrowsAsync<DisklessException>(UpAsync);

        Assert.Empty(_sandbox.Provider.Calls);
        Assert.Contains("outside", error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("ssh-keygen")]
    public async Task A_regular_initrd_inside_the_root_reaches_the_provider()
    {
        var initrd = await MachineWithInitrdAsync(path => File.WriteAllText(path, "initrd"));
        BootPlan? started = null;
        _sandbox.Provider.OnStart = plan =>
        {
            started = plan;
            throw new StartReachedException();
        };

        await Assert.ThrowsAsync<StartReachedException>(UpAsync);

        Assert.Equal(initrd, started?.Artifacts.InitrdPath);
    }

    private Task UpAsync() => UpHandler.RunAsync(_sandbox.Services(), null, new UpOptions(), CancellationToken.None);

    /// <summary>A created, halted machine whose recorded initrd is <c>/boot/initrd.img</c>, made by <paramref name="make"/>.</summary>
    private async Task<string> MachineWithInitrdAsync(Action<string> make)
    {
        string? initrd = null;
        await _sandbox.CreatedMachineAsync(r =>
        {
            initrd = Path.Combine(r.RootPath, "boot", "initrd.img");
            make(initrd);
            return r with { Artifacts = r.Artifacts! with { InitrdPath = initrd } };
        });
        return initrd!;
    }

    /// <summary>Stands for the VM running: the start was reached, and nothing after it matters here.</summary>
    private sealed class StartReachedException : Exception;
}
