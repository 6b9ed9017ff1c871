using System.Security.Cryptography;
using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests;

/// <summary>Unpacking into the cache, reusing it, and every way of falling back to the kernel as given.</summary>
public sealed class PvhKernelCacheTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("pvh-cache-").FullName;
    private readonly RecordingProgress _progress = new();
    private readonly PvhKernelCache _cache;

    public PvhKernelCacheTests()
    {
        _cache = new PvhKernelCache(Path.Combine(_tmp, "cache", "kernels"));
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string Kernel(byte[] content)
    {
        var path = Path.Combine(_tmp, "vmlinuz-" + Guid.NewGuid().ToString("n")[..6]);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private List<string> CacheFiles() =>
        Directory.Exists(_cache.Folder) ? Directory.EnumerateFileSystemEntries(_cache.Folder).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList() : [];

    private int Unpackings => _progress.Lines.Count(l => l.StartsWith("stage: Unpacking", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(PayloadDecoderTests.Compressions), MemberType = typeof(PayloadDecoderTests))]
    public async Task A_bzImage_is_unpacked_into_a_file_named_by_its_hash_and_nothing_else(string compression)
    {
        var image = TestKernels.BzImage(PayloadDecoderTests.Compressed(compression));
        var kernel = Kernel(image);

        var choice = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        var expected = Path.Combine(_cache.Folder, Sha(image) + ".elf");
        Assert.True(choice.Pvh);
        Assert.False(choice.IsWarning);
        Assert.Equal(expected, choice.Path);
        Assert.Equal(TestKernels.Elf(), await File.ReadAllBytesAsync(expected));
        Assert.Equal([Sha(image) + ".elf"], CacheFiles());
        Assert.Equal(1, Unpackings);
        Assert.Contains(_progress.Lines, l => l == "done: Unpacking the kernel for a faster boot");
    }

    [Fact]
    public async Task A_second_start_reuses_the_unpacked_kernel_without_writing_it_again()
    {
        var kernel = Kernel(TestKernels.BzImage(TestKernels.Xz()));
        var first = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first.Path, written);

        var second = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(first.Path, second.Path);
        Assert.True(second.Pvh);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second.Path));
        Assert.Equal(1, Unpackings);
        Assert.Contains("unpacked earlier", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_start_marks_its_kernel_used_in_the_access_time_and_leaves_the_write_time()
    {
        var kernel = Kernel(TestKernels.BzImage(TestKernels.Xz()));
        var entry = (await _cache.ResolveAsync(kernel, _progress, CancellationToken.None)).Path;
        var longAgo = DateTime.UtcNow.AddDays(-100);
        File.SetLastAccessTimeUtc(entry, longAgo);
        File.SetLastWriteTimeUtc(entry, longAgo);

        await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.True(DateTime.UtcNow - File.GetLastAccessTimeUtc(entry) < TimeSpan.FromMinutes(1));
        Assert.Equal(longAgo, File.GetLastWriteTimeUtc(entry));
    }

    [Fact]
    public async Task Unpacking_a_new_kernel_removes_entries_unused_for_the_unused_age_and_keeps_the_others()
    {
        Directory.CreateDirectory(_cache.Folder);
        var old = DateTime.UtcNow - PvhKernelCache.UnusedAge - TimeSpan.FromDays(1);
        void Entry(string name, DateTime written, DateTime used)
        {
            var path = Path.Combine(_cache.Folder, name);
            File.WriteAllText(path, name);
            File.SetLastWriteTimeUtc(path, written);
            File.SetLastAccessTimeUtc(path, used);
        }

        Entry("aaaa.elf", written: old, used: old);
        Entry("bbbb.no-pvh", written: old, used: old);
        Entry("cccc.elf", written: old, used: DateTime.UtcNow.AddDays(-2));
        Entry("dddd.elf", written: DateTime.UtcNow.AddDays(-2), used: old);
        Entry("notes.txt", written: old, used: old);
        var image = TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf()));

        await _cache.ResolveAsync(Kernel(image), _progress, CancellationToken.None);

        Assert.Equal(new[] { "cccc.elf", "dddd.elf", "notes.txt", Sha(image) + ".elf" }.Order(StringComparer.Ordinal), CacheFiles());
    }

    [Fact]
    public async Task Another_kernel_with_the_same_name_is_unpacked_anew()
    {
        var kernel = Kernel(TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf())));
        var first = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);
        var other = TestKernels.Elf(codeSize: 1000);
        await File.WriteAllBytesAsync(kernel, TestKernels.BzImage(TestKernels.Gzip(other)));

        var second = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.NotEqual(first.Path, second.Path);
        Assert.Equal(other, await File.ReadAllBytesAsync(second.Path));
        Assert.Equal(2, Unpackings);
    }

    [Fact]
    public async Task A_cached_file_of_the_wrong_size_is_unpacked_again()
    {
        var kernel = Kernel(TestKernels.BzImage(TestKernels.Zstd(TestKernels.Elf())));
        var first = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);
        await File.WriteAllBytesAsync(first.Path, new byte[100]);

        var second = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(TestKernels.Elf(), await File.ReadAllBytesAsync(second.Path));
        Assert.Equal(2, Unpackings);
    }

    [Fact]
    public async Task A_kernel_that_is_not_a_bzImage_boots_as_given_and_the_cache_stays_untouched()
    {
        var kernel = Kernel(TestKernels.Elf());

        var choice = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(kernel, choice.Path);
        Assert.False(choice.Pvh);
        Assert.False(choice.IsWarning);
        Assert.Contains("not a bzImage", choice.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cache.Folder));
    }

    [Fact]
    public async Task A_truncated_bzImage_boots_as_given()
    {
        var image = TestKernels.BzImage(TestKernels.Xz());
        var kernel = Kernel(image[..(image.Length / 2)]);

        var choice = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(kernel, choice.Path);
        Assert.Contains("truncated", choice.Reason, StringComparison.Ordinal);
        Assert.Empty(CacheFiles());
    }

    [Fact]
    public async Task A_payload_with_a_foreign_magic_boots_as_given()
    {
        var kernel = Kernel(TestKernels.BzImage(TestKernels.WithSize([0x42, 0x5A, 0x68, .. new byte[300]], 5000)));

        var choice = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(kernel, choice.Path);
        Assert.Contains("bzip2", choice.Reason, StringComparison.Ordinal);
        Assert.Equal(0, Unpackings);
    }

    [Fact]
    public async Task A_missing_kernel_boots_as_given_so_qemu_reports_it()
    {
        var kernel = Path.Combine(_tmp, "no-such-vmlinuz");

        var choice = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(kernel, choice.Path);
        Assert.Contains("cannot be read", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kernel_without_the_pvh_note_boots_as_given_and_is_not_decoded_again_next_time()
    {
        var image = TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf(pvhNote: false)));
        var kernel = Kernel(image);

        var first = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);
        var second = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(kernel, first.Path);
        Assert.Contains("no PVH entry note", first.Reason, StringComparison.Ordinal);
        Assert.Equal(kernel, second.Path);
        Assert.Contains("no PVH entry note", second.Reason, StringComparison.Ordinal);
        Assert.Equal(1, Unpackings);
        Assert.Contains(_progress.Lines, l => l == "failed: Unpacking the kernel for a faster boot");
        Assert.Equal([Sha(image) + ".no-pvh"], CacheFiles());
    }

    [Fact]
    public async Task A_payload_that_fails_to_decode_boots_as_given_and_leaves_no_kernel_or_temp_file()
    {
        var compressed = TestKernels.Gzip(TestKernels.Elf());
        compressed[compressed.Length / 2] ^= 0xFF;
        compressed[(compressed.Length / 2) + 1] ^= 0xFF;
        var kernel = Kernel(TestKernels.BzImage(compressed));

        var choice = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(kernel, choice.Path);
        Assert.False(choice.Pvh);
        Assert.Contains("could not be decoded", choice.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(CacheFiles(), f => f.EndsWith(".elf", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cache_that_cannot_be_written_boots_as_given_with_a_warning()
    {
        // A file where the cache folder should be: creating the folder fails even for root.
        Directory.CreateDirectory(Path.GetDirectoryName(_cache.Folder)!);
        await File.WriteAllTextAsync(_cache.Folder, "in the way");
        var kernel = Kernel(TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf())));

        var choice = await _cache.ResolveAsync(kernel, _progress, CancellationToken.None);

        Assert.Equal(kernel, choice.Path);
        Assert.False(choice.Pvh);
        Assert.True(choice.IsWarning);
        Assert.Contains("could not be written", choice.Reason, StringComparison.Ordinal);
        Assert.Equal("in the way", await File.ReadAllTextAsync(_cache.Folder));
        Assert.DoesNotContain(
            Directory.EnumerateFiles(_tmp, "*", SearchOption.AllDirectories),
            f => f.EndsWith(".tmp", StringComparison.Ordinal) || f.EndsWith(".elf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Temp_files_left_by_a_dead_unpacking_are_swept_but_a_running_ones_are_not()
    {
        Directory.CreateDirectory(_cache.Folder);
        var dead = Path.Combine(_cache.Folder, "0123.elf.deadbeef.tmp");
        var running = Path.Combine(_cache.Folder, "4567.elf.cafebabe.tmp");
        await File.WriteAllTextAsync(dead, "half");
        await File.WriteAllTextAsync(running, "half");
        File.SetLastWriteTimeUtc(dead, DateTime.UtcNow.AddHours(-2));
        var image = TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf()));

        await _cache.ResolveAsync(Kernel(image), _progress, CancellationToken.None);

        Assert.Equal(new[] { "4567.elf.cafebabe.tmp", Sha(image) + ".elf" }.Order(StringComparer.Ordinal), CacheFiles());
    }

    [Fact]
    public async Task Cancelling_while_unpacking_propagates_and_leaves_nothing()
    {
        using var cts = new CancellationTokenSource();
        var progress = new CancelOnStage(cts);
        var kernel = Kernel(TestKernels.BzImage(TestKernels.Xz()));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _cache.ResolveAsync(kernel, progress, cts.Token));

        Assert.Empty(CacheFiles());
    }

    /// <summary>Progress that cancels as soon as a stage begins: the unpacking is then under way.</summary>
    private sealed class CancelOnStage(CancellationTokenSource cts) : IProgressReporter
    {
        public bool IsVerbose => false;

        public IProgressStage BeginStage(string title)
        {
            cts.Cancel();
            return new RecordingProgress().BeginStage(title);
        }

        public void Info(string message)
        {
        }

        public void Warn(string message)
        {
        }

        public void Verbose(string message)
        {
        }
    }
}
