using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd.Arch;

/// <summary>
/// The whole Arch path with the real diskless program: pacstrap from a real mirror, mkinitcpio, a boot over virtiofs,
/// SSH, destroy. Runs only where an Arch mirror is named (<see cref="RequiresArchMirrorFactAttribute"/>); elsewhere it
/// reports itself skipped with that reason.
/// </summary>
public sealed class An_arch_machine(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _project = new("diskless-arch-e2e-");

    public void Dispose() => _project.Dispose();

    [RequiresArchMirrorFact("pacstrap", "pacman-key", "qemu-system-x86_64", "ssh")]
    public async Task Boots_from_a_pacstrapped_root_over_virtiofs_and_answers_ssh()
    {
        File.WriteAllText(_project.Combine("Disklessfile"), $"""
            name = "archdev"
            memory = "1GiB"
            boot_timeout = "10m"

            [distro]
            name = "arch"
            mirror = "{RequiresArchMirrorFactAttribute.Mirror}"

            [share]
            transport = "virtiofs"
            """);
        try
        {
            // A first base build downloads and installs a few hundred MB: the limits are far above what it takes.
            var up = await DisklessProcess.RunAsync(_project.Path, TimeSpan.FromMinutes(90), "up");
            output.WriteLine(up.ToString());
            Assert.True(up.ExitCode == 0, up.ToString());

            var osRelease = await DisklessProcess.RunAsync(_project.Path, TimeSpan.FromMinutes(2), "ssh", "-c", "cat /etc/os-release; findmnt -n -o FSTYPE /; uname -r; id -nG");
            Assert.True(osRelease.ExitCode == 0, osRelease.ToString());
            Assert.Contains("ID=arch", osRelease.Stdout, StringComparison.Ordinal);
            Assert.Contains("\nvirtiofs\n", osRelease.Stdout, StringComparison.Ordinal);
            Assert.Contains("wheel", osRelease.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            var destroy = await DisklessProcess.RunAsync(_project.Path, TimeSpan.FromMinutes(5), "destroy", "--force");
            output.WriteLine(destroy.ToString());
        }
    }
}
