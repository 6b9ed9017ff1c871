using System.Collections.Concurrent;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Pipeline;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State.Races;

/// <summary>
/// <c>up</c> (a lease on the base from finding it to the end of the clone) against <c>prune</c> (the base's lock taken
/// exclusively, the base moved out of bases/ before it is deleted), with real locks, real folders and a real clone.
/// </summary>
public sealed class BaseLockRaceTests : IDisposable
{
    // A gate the test opens itself; this only bounds a machine too busy to get there.
    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(30);

    private readonly string _data = Directory.CreateTempSubdirectory("diskless-races-").FullName;
    private readonly FakeDistro _distro = new();
    private readonly SignallingProgress _progress = new();
    private readonly TestHost _host;
    private readonly BaseSpec _spec;

    public BaseLockRaceTests()
    {
        // The runner reports to the same thread-safe progress: two clones run at once.
        _host = new TestHost(new RealHost(_data) { Commands = new CliWrapCommandRunner(_progress) }, _progress);
        _spec = _distro.DescribeBase(DebianTestBase.DefaultSpec);
        DataDirectory.EnsureCreated(_host.Paths);
    }

    private BaseCache Cache => new(_host) { LockRetryInterval = TimeSpan.FromMilliseconds(10) };

    private string Key => Cache.KeyFor(_distro, _spec);

    private string BaseFolder => Cache.PathFor(Key);

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [RequiresFact("cp", Root = true, Timeout = 60_000)]
    public async Task Two_cloners_share_one_base_at_once_and_each_gets_a_whole_copy()
    {
        PlantBase(files: 50);

        await using var first = await Cache.LeaseAsync(_distro, _spec, CancellationToken.None);
        await using var second = await Cache.LeaseAsync(_distro, _spec, CancellationToken.None);
        await Task.WhenAll(
            RootCloner.CloneAsync(first.Path, Path.Combine(_host.Paths.MachinesDirectory, "m1", "root"), _host.Commands, _progress, CancellationToken.None),
            RootCloner.CloneAsync(second.Path, Path.Combine(_host.Paths.MachinesDirectory, "m2", "root"), _host.Commands, _progress, CancellationToken.None));

        Assert.Empty(_distro.Calls);
        Assert.DoesNotContain(_progress.Lines, l => l.Contains("Waiting", StringComparison.Ordinal));
        Assert.Equal(50, Directory.GetFiles(Path.Combine(_host.Paths.MachinesDirectory, "m1", "root", "files")).Length);
        Assert.Equal(50, Directory.GetFiles(Path.Combine(_host.Paths.MachinesDirectory, "m2", "root", "files")).Length);
    }

    [RequiresFact(Root = true, Timeout = 60_000)]
    public async Task A_base_a_cloner_holds_is_not_pruned_and_the_output_says_why_then_a_later_prune_takes_it()
    {
        PlantBase(files: 3);
        var lease = await Cache.LeaseAsync(_distro, _spec, CancellationToken.None);

        var whileHeld = await PruneAsync(null);
        var keptAt = Directory.Exists(BaseFolder);
        await lease.DisposeAsync();
        var afterwards = await PruneAsync(null);

        Assert.True(keptAt);
        Assert.Contains($"kept base {Key}: another diskless command is building or cloning it", whileHeld, StringComparison.Ordinal);
        Assert.Contains($"removed base {Key}", afterwards, StringComparison.Ordinal);
        Assert.False(Directory.Exists(BaseFolder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_host.Paths.TempDirectory));
        Assert.False(Directory.Exists(BaseCache.LockDirectory(_host.Paths, Key)), "prune leaves the base's lock folder behind");
    }

    [RequiresFact("cp", Root = true, Timeout = 60_000)]
    public async Task A_prune_held_mid_delete_makes_up_wait_and_up_never_clones_the_half_deleted_base()
    {
        PlantBase(files: 20);
        var midDelete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? removing = null;
        var prune = PruneAsync(async (folder, cancellationToken) =>
        {
            // Half of it gone already, as a delete interrupted half-way leaves it.
            removing = folder;
            foreach (var file in Directory.GetFiles(Path.Combine(folder, "files")).Take(10))
            {
                File.Delete(file);
            }

            midDelete.SetResult();
            await release.Task.WaitAsync(cancellationToken);
        });
        await midDelete.Task.WaitAsync(Generously);

        var up = Task.Run(async () =>
        {
            await using var lease = await Cache.LeaseAsync(_distro, _spec, CancellationToken.None);
            await RootCloner.CloneAsync(lease.Path, Path.Combine(_host.Paths.MachinesDirectory, "m1", "root"), _host.Commands, _progress, CancellationToken.None);
        });
        await _progress.Waiting.WaitAsync(Generously);
        var baseWhileHeld = Directory.Exists(BaseFolder);
        var upDoneWhileHeld = up.IsCompleted;
        release.SetResult();
        var output = await prune.WaitAsync(Generously);
        await up.WaitAsync(Generously);

        Assert.False(baseWhileHeld, "the base was still in bases/ while prune deleted it");
        Assert.StartsWith(_host.Paths.TempDirectory + "/", removing, StringComparison.Ordinal);
        Assert.False(upDoneWhileHeld);
        Assert.Contains($"removed base {Key}", output, StringComparison.Ordinal);
        // up found no base once prune had it, so it built a fresh one and cloned that: nothing of the old one.
        Assert.Equal(["build " + _spec.Release], _distro.Calls);
        var root = Path.Combine(_host.Paths.MachinesDirectory, "m1", "root");
        Assert.True(File.Exists(Path.Combine(root, "boot", "vmlinuz")));
        Assert.False(Directory.Exists(Path.Combine(root, "files")), "up cloned the old, half-deleted base");
        Assert.False(Path.Exists(removing));
    }

    [RequiresFact(Root = true, Timeout = 60_000)]
    public async Task What_an_interrupted_prune_left_in_tmp_goes_with_the_next_prune_unless_its_key_is_in_use()
    {
        var left = Directory.CreateDirectory(Path.Combine(_host.Paths.TempDirectory, "gone-key.pruned-0123abcd", "files")).FullName;
        await File.WriteAllTextAsync(Path.Combine(left, "f"), "half\n");
        PlantBase(files: 1);
        var busy = Directory.CreateDirectory(Path.Combine(_host.Paths.TempDirectory, Key + ".pruned-4567cdef")).FullName;
        await using var lease = await Cache.LeaseAsync(_distro, _spec, CancellationToken.None);

        await PruneAsync(null);

        Assert.False(Path.Exists(Path.Combine(_host.Paths.TempDirectory, "gone-key.pruned-0123abcd")));
        Assert.True(Directory.Exists(busy), "a leftover was removed while its key's lock was held");
    }

    /// <summary>A complete base as the cache holds one: <paramref name="files"/> files, and a marker that it is whole.</summary>
    private void PlantBase(int files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(BaseFolder, "files")).FullName;
        for (var i = 0; i < files; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"f{i:D3}"), $"file {i}\n");
        }
    }

    private async Task<string> PruneAsync(Func<string, CancellationToken, Task>? beforeDelete)
    {
        var output = new StringWriter();
        await PruneHandler.RunAsync(_host, new NoNamespaces(), new HostIdentity("root", 0, 0), _data, output, json: false, CancellationToken.None, beforeDelete);
        return output.ToString();
    }

    private sealed class NoNamespaces : IMachineNamespaces
    {
        public Task<MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("root prunes without a namespace");
    }

    /// <summary>Progress that several tasks may report to, and that says when a command starts waiting for a base's lock.</summary>
    private sealed class SignallingProgress : IProgressReporter
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Waiting => _waiting.Task;

        public IReadOnlyList<string> Lines => [.. _lines];

        public bool IsVerbose => false;

        public IProgressStage BeginStage(string title)
        {
            _lines.Enqueue("stage: " + title);
            return new Stage();
        }

        public void Info(string message)
        {
            _lines.Enqueue("info: " + message);
            if (message.StartsWith("Waiting for another diskless command", StringComparison.Ordinal))
            {
                _waiting.TrySetResult();
            }
        }

        public void Warn(string message) => _lines.Enqueue("warn: " + message);

        public void Verbose(string message) => _lines.Enqueue("verbose: " + message);

        private sealed class Stage : IProgressStage
        {
            public void Update(string detail)
            {
            }

            public void Fail()
            {
            }

            public void Dispose()
            {
            }
        }
    }

    private sealed class TestHost(RealHost inner, IProgressReporter progress) : IHostServices
    {
        public ICommandRunner Commands => inner.Commands;

        public IProcessTable Processes => inner.Processes;

        public IChroot Chroot => inner.Chroot;

        public IUserNamespace? Namespace => null;

        public IRootFiles RootFiles(string rootDirectory) => inner.RootFiles(rootDirectory);

        public ITemplates Templates => inner.Templates;

        public IProgressReporter Progress => progress;

        public HostPaths Paths => inner.Paths;

        public string? FindExecutable(string name, params string[] extraDirectories) => inner.FindExecutable(name, extraDirectories);
    }
}
