using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>Unpacking a real distribution kernel: the test base's (the one the end-to-end tests boot), else the host's.</summary>
public sealed class RealKernelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("pvh-real-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [RealKernelFact(Timeout = 60000)]
    public async Task A_real_kernel_unpacks_into_an_elf_with_the_pvh_entry()
    {
        var kernel = RealKernel.Find()!;
        var cache = new PvhKernelCache(Path.Combine(_tmp, "kernels"));
        var clock = Stopwatch.StartNew();

        var choice = await cache.ResolveAsync(kernel, new RecordingProgress(), CancellationToken.None);

        output.WriteLine($"{kernel}: {choice.Reason} (wall {clock.ElapsedMilliseconds} ms)");
        Assert.True(choice.Pvh, choice.Reason);
        var elf = await File.ReadAllBytesAsync(choice.Path);
        Assert.Null(PvhElf.WhyNotBootable(elf));
        Assert.True(elf.Length > new FileInfo(kernel).Length);
    }

    [RealKernelFact("xz", Timeout = 60000)]
    public async Task A_real_xz_kernel_unpacks_to_the_same_bytes_as_the_xz_program_gives()
    {
        var kernel = RealKernel.Find()!;
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

/// <summary>Finds a real distribution kernel on this host.</summary>
internal static class RealKernel
{
    private static string TestHome =>
        Environment.GetEnvironmentVariable("DISKLESS_TEST_HOME") is { Length: > 0 } home ? home : "/var/tmp/diskless-test-home";

    /// <summary>The newest kernel of the end-to-end test bases, else of /boot; null when there is none.</summary>
    public static string? Find()
    {
        var bases = Path.Combine(TestHome, "e2e", "bases");
        var candidates = Directory.Exists(bases)
            ? Directory.EnumerateDirectories(bases).SelectMany(b => Kernels(Path.Combine(b, "boot"))).ToList()
            : [];
        if (candidates.Count == 0)
        {
            candidates = Kernels("/boot").ToList();
        }

        return candidates.Order(StringComparer.Ordinal).LastOrDefault();
    }

    private static IEnumerable<string> Kernels(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "vmlinuz-*") : [];
}

/// <summary>A fact that needs a real kernel (and the named programs): skipped with the reason where there is none.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealKernelFactAttribute : FactAttribute
{
    public RealKernelFactAttribute(params string[] programs)
    {
        Programs = programs;
    }

    public string[] Programs { get; }

    public override string? Skip
    {
        get => base.Skip
            ?? Prerequisites.Missing(root: false, Programs)
            ?? (RealKernel.Find() is null && Environment.GetEnvironmentVariable("DISKLESS_REQUIRE_ALL") != "1"
                ? "needs a kernel: a test base (the end-to-end tests build one) or /boot/vmlinuz-*"
                : null);
        set => base.Skip = value;
    }
}
