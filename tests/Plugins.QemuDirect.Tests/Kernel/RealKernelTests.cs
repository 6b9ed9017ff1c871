using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Cli.Processes;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>Unpacking a real distribution kernel: the test base's, the one the end-to-end tests boot.</summary>
public sealed class RealKernelTests(ITestOutputHelper output, BaseKernelFixture baseKernel) : IClassFixture<BaseKernelFixture>, IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("pvh-real-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [RequiresFact("debootstrap", "chroot", Root = true, Timeout = 60000)]
    public async Task A_real_kernel_unpacks_into_an_elf_with_the_pvh_entry()
    {
        var kernel = baseKernel.Kernel.Kernel;
        var cache = new PvhKernelCache(Path.Combine(_tmp, "kernels"));
        var clock = Stopwatch.StartNew();

        var choice = await cache.ResolveAsync(kernel, new RecordingProgress(), CancellationToken.None);

        output.WriteLine($"{kernel}: {choice.Reason} (wall {clock.ElapsedMilliseconds} ms)");
        Assert.True(choice.Pvh, choice.Reason);
        var elf = await File.ReadAllBytesAsync(choice.Path);
        Assert.Null(PvhElf.WhyNotBootable(elf));
        Assert.True(elf.Length > new FileInfo(kernel).Length);
    }

    [RequiresFact("xz", "debootstrap", "chroot", Root = true, Timeout = 60000)]
    public async Task A_real_xz_kernel_unpacks_to_the_same_bytes_as_the_xz_program_gives()
    {
        var kernel = baseKernel.Kernel.Kernel;
        var image = await File.ReadAllBytesAsync(kernel);
        Assert.True(KernelPayload.TryLocate(image, out var payload, out var whyNot), whyNot);
        Assert.Equal(PayloadCompression.Xz, payload.Compression);
        var stream = Path.Combine(_tmp, "payload.xz");
        await File.WriteAllBytesAsync(stream, payload.Stream.ToArray());
        var clock = Stopwatch.StartNew();
        await new CliWrapCommandRunner(new RecordingProgress()).RunAsync(new CommandSpec("xz", "--decompress", "--keep", stream), CancellationToken.None);
        output.WriteLine($"xz --decompress: {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        var elf = PayloadDecoder.Decode(payload, CancellationToken.None);
        output.WriteLine($"PayloadDecoder (SharpCompress): {clock.ElapsedMilliseconds} ms, {elf.Length} bytes");

        var reference = await File.ReadAllBytesAsync(Path.Combine(_tmp, "payload"));
        Assert.True(elf.AsSpan().SequenceEqual(reference), "PayloadDecoder and xz disagree");
    }
}
