using Diskless.EndToEnd.Rootless;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd.Libvirt;

/// <summary>
/// An ordinary user (the test user: no sudo, not in the libvirt group) who asks for the libvirt provider is told, at
/// the provider's line and before anything is built, that libvirt machines need root, and what to use instead.
/// </summary>
public sealed class Libvirt_for_an_ordinary_user(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _project = Directory.CreateTempSubdirectory("diskless-e2e-libvirt-user-").FullName;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(_project, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(
            Path.Combine(_project, "Disklessfile"),
            "name = \"libvirt-user\"\n\n[distro]\nname = \"debian\"\n\n[provider]\nname = \"libvirt\"\n");
        await TestUserDiskless.PrepareDataDirectoryAsync();
        await TestUserDiskless.ChownAsync(_project, recursive: true);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_project, recursive: true);
        return Task.CompletedTask;
    }

    [RequiresFact("runuser", "virsh", Root = true, OtherUser = true)]
    public async Task Validate_and_up_say_at_the_provider_line_that_libvirt_needs_root_and_build_nothing()
    {
        var validate = await TestUserDiskless.RunAsync(_project, TimeSpan.FromMinutes(1), "validate");
        var up = await TestUserDiskless.RunAsync(_project, TimeSpan.FromMinutes(1), "up");

        output.WriteLine(validate.ToString());
        output.WriteLine(up.ToString());
        foreach (var run in new[] { validate, up })
        {
            Assert.Equal(3, run.ExitCode);
            Assert.Contains("Disklessfile:7:8: the libvirt provider needs root", run.Stdout + run.Stderr, StringComparison.Ordinal);
            Assert.Contains("name = \"qemu\"", run.Stdout + run.Stderr, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(StateFolders.Project(_project, TestUserDiskless.DataDirectory)), "up made a machine it cannot run");
    }
}
