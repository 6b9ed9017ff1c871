using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests;

/// <summary>
/// The committed xz fixture, checked with the real xz program: it must be the test ELF compressed as the kernel
/// build compresses (CRC32 check, x86 BCJ filter), or the xz tests would not exercise what Debian's kernel needs.
/// DISKLESS_UPDATE_GOLDEN=1 writes it again (after a change to <see cref="TestKernels.Elf"/>).
/// </summary>
public sealed class XzFixtureTests
{
    private readonly CliWrapCommandRunner _runner = new(new RecordingProgress());

    [RequiresFact("xz", Timeout = 30000)]
    public async Task The_xz_fixture_is_the_test_elf_compressed_like_a_kernel()
    {
        var fixture = TestKernels.XzFixturePath();
        if (Environment.GetEnvironmentVariable("DISKLESS_UPDATE_GOLDEN") == "1")
        {
            await RegenerateAsync(fixture);
        }

        var listing = await _runner.RunAsync(new CommandSpec("xz", "--robot", "--list", "-vv", fixture), CancellationToken.None);
        var folder = Directory.CreateTempSubdirectory("pvh-xz-").FullName;
        try
        {
            var copy = Path.Combine(folder, "kernel.xz");
            File.Copy(fixture, copy);
            await _runner.RunAsync(new CommandSpec("xz", "--decompress", copy), CancellationToken.None);

            Assert.Equal(TestKernels.Elf(), await File.ReadAllBytesAsync(Path.Combine(folder, "kernel")));
            Assert.Contains("CRC32", listing.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("--x86", listing.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task RegenerateAsync(string fixture)
    {
        var elf = Path.ChangeExtension(fixture, null);
        await File.WriteAllBytesAsync(elf, TestKernels.Elf());
        try
        {
            // As the kernel's scripts/xz_wrap.sh does for x86, with a dictionary sized to the input.
            await _runner.RunAsync(new CommandSpec("xz", "--force", "--keep", "--check=crc32", "--x86", "--lzma2=dict=1MiB", elf), CancellationToken.None);
        }
        finally
        {
            File.Delete(elf);
        }
    }
}
