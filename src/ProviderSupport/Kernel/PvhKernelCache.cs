using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Kernels unpacked from their bzImage for a PVH boot, one ELF per bzImage content:
/// <c>cache/kernels/&lt;sha256 of the bzImage&gt;.elf</c>. Nothing here makes a start fail: whatever goes wrong, the
/// answer is the kernel as given, with the reason. Cancellation alone propagates. Each use marks its entry's access
/// time; whenever a new kernel is unpacked, entries no start has used for <see cref="UnusedAge"/> are removed, so a
/// guest's kernel upgrades do not pile up 60 MB files for ever.
/// </summary>
public sealed class PvhKernelCache(string folder)
{
    private const string TempSuffix = ".tmp";

    // Older than this, a temp file belongs to a process that died while writing it, not to one still writing.
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(1);

    /// <summary>How long an entry no start has used is kept.</summary>
    public static readonly TimeSpan UnusedAge = TimeSpan.FromDays(30);

    /// <summary>The cache in the data dir's cache folder.</summary>
    public static PvhKernelCache In(HostPaths paths) => new(Path.Combine(paths.CacheDirectory, "kernels"));

    public string Folder { get; } = folder;

    /// <summary>The kernel to boot for <paramref name="kernelPath"/>: its unpacked ELF (unpacking it the first time) or itself.</summary>
    public async Task<KernelChoice> ResolveAsync(string kernelPath, IProgressReporter progress, CancellationToken cancellationToken)
    {
        byte[] image;
        try
        {
            image = await File.ReadAllBytesAsync(kernelPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return AsGiven(kernelPath, $"it cannot be read ({e.Message})");
        }

        if (!KernelPayload.TryLocate(image, out var payload, out var whyNot))
        {
            return AsGiven(kernelPath, whyNot);
        }

        // Hashing 8 MB takes a few milliseconds: cheaper than trusting a file name or a timestamp.
        var key = Convert.ToHexStringLower(SHA256.HashData(image));
        var target = Path.Combine(Folder, key + ".elf");
        var refusal = Path.Combine(Folder, key + ".no-pvh");
        if (File.Exists(target) && new FileInfo(target).Length == payload.DecodedSize)
        {
            MarkUsed(target);
            return new KernelChoice(target, Pvh: true, $"Booting {kernelPath} through PVH, unpacked earlier into {target}");
        }

        if (ReadRefusal(refusal) is { } remembered)
        {
            MarkUsed(refusal);
            return AsGiven(kernelPath, remembered + " (remembered in " + refusal + ")");
        }

        using var stage = progress.BeginStage("Unpacking the kernel for a faster boot");
        var clock = Stopwatch.StartNew();
        byte[] elf;
        try
        {
            // CPU-bound for a second or two: off the caller's thread, and a Ctrl-C need not wait for it.
            elf = await Task.Run(() => PayloadDecoder.Decode(payload, cancellationToken), cancellationToken)
                .WaitAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stage.Fail();
            var reason = $"its {Name(payload.Compression)} payload could not be decoded ({e.Message})";

            // Running out of memory says nothing about the kernel: try again next time.
            return e is OutOfMemoryException ? AsGiven(kernelPath, reason) : Refuse(kernelPath, refusal, reason);
        }

        if (PvhElf.WhyNotBootable(elf) is { } notBootable)
        {
            stage.Fail();
            return Refuse(kernelPath, refusal, notBootable);
        }

        try
        {
            await WriteAtomicallyAsync(target, elf, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stage.Fail();
            return AsGiven(kernelPath, $"the unpacked kernel could not be written to {Folder} ({e.Message})") with { IsWarning = true };
        }

        var megabytes = (elf.Length / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        var seconds = clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return new KernelChoice(target, Pvh: true, $"Unpacked {kernelPath} ({Name(payload.Compression)}) into {target} ({megabytes} MB, {seconds} s); booting it through PVH");
    }

    private static KernelChoice AsGiven(string kernelPath, string reason) =>
        new(kernelPath, Pvh: false, $"Booting {kernelPath} as it is: {reason}");

    private static string Name(PayloadCompression compression) => compression.ToString().ToLowerInvariant();

    /// <summary>
    /// Remembers why this content cannot boot through PVH: without it, a kernel built without CONFIG_PVH would be
    /// decoded in vain on every start. Failing to remember costs only that time again.
    /// </summary>
    private KernelChoice Refuse(string kernelPath, string refusal, string reason)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var temp = TempName(refusal);
            File.WriteAllText(temp, reason + "\n");
            File.Move(temp, refusal, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next start decodes again and comes to the same answer.
        }

        return AsGiven(kernelPath, reason);
    }

    private static string? ReadRefusal(string refusal)
    {
        try
        {
            return File.Exists(refusal) ? File.ReadAllText(refusal).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task WriteAtomicallyAsync(string target, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        RemoveStaleTemps();
        RemoveUnused();

        // Written under a name of its own and renamed into place: an interrupted write never leaves half a kernel
        // under the real name, and two starts unpacking the same kernel at once each rename a complete file.
        var temp = TempName(target);
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);

                // On disk before the rename: after a crash the name holds the whole kernel or nothing.
                stream.Flush(flushToDisk: true);
            }

            // Readable by all whatever the umask: QEMU in a machine's user namespace runs as guest root, a subordinate id.
            File.SetUnixFileMode(temp, (UnixFileMode)0b110_100_100);

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private void RemoveStaleTemps()
    {
        foreach (var temp in Directory.EnumerateFiles(Folder, "*" + TempSuffix))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > StaleTempAge)
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>
    /// The access time is set explicitly, not left to the kernel: noatime and relatime mounts would not record a use.
    /// The modification time keeps saying when the file was written.
    /// </summary>
    private static void MarkUsed(string entry)
    {
        try
        {
            File.SetLastAccessTimeUtc(entry, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still boots; its entries then age from when they were written.
        }
    }

    private void RemoveUnused()
    {
        foreach (var entry in Directory.EnumerateFiles(Folder).Where(f => f.EndsWith(".elf", StringComparison.Ordinal) || f.EndsWith(".no-pvh", StringComparison.Ordinal)))
        {
            var lastUse = new[] { File.GetLastAccessTimeUtc(entry), File.GetLastWriteTimeUtc(entry) }.Max();
            if (DateTime.UtcNow - lastUse > UnusedAge)
            {
                // A running machine loses nothing: QEMU read its kernel into memory when it started.
                TryDelete(entry);
            }
        }
    }

    private static string TempName(string target) => $"{target}.{Guid.NewGuid().ToString("n")[..8]}{TempSuffix}";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next unpacking's sweep.
        }
    }
}
