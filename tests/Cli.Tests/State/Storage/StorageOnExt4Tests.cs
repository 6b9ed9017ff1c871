using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State.Storage;

/// <summary>The same operations on the machine's own ext4 (/var/tmp), which neither snapshots nor shares blocks.</summary>
public sealed class StorageOnExt4Tests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine("/var/tmp", "diskless-ext4-" + Guid.NewGuid().ToString("n")[..8])).FullName;
    private readonly RealHost _host = new(Path.GetTempPath());

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [RequiresFact("cp", Root = true, Timeout = 60_000)]
    public async Task A_root_is_a_plain_copy_and_a_snapshot_a_full_copy_with_a_warning_of_its_cost()
    {
        RequireExt4();
        var source = Directory.CreateDirectory(Path.Combine(_folder, "bases", "b1")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(source, "big"), new byte[1024 * 1024]);
        var record = StorageOnBtrfsTests.Record(Path.Combine(_folder, "machines", "abc", "root"));

        var clone = await RootCloner.CloneAsync(source, record.RootPath, _host.Commands, _host.Progress, CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "state"), "before\n");
        var snapshots = new MachineSnapshots(record, _host);
        var saved = await snapshots.SaveAsync("before", CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "state"), "after\n");
        await snapshots.RestoreAsync("before", null, CancellationToken.None);
        var usage = await DiskUsage.MeasureAsync(snapshots.List()[0].Path, _host.Commands, null, CancellationToken.None);

        Assert.Equal(RootCloner.Copy, clone);
        Assert.Equal(RootCloner.Copy, saved);
        Assert.Contains(_host.RecordedProgress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("a full copy of the root", StringComparison.Ordinal));
        Assert.Equal("before\n", await File.ReadAllTextAsync(Path.Combine(record.RootPath, "state")));
        Assert.Equal("du", usage.Method);
        Assert.True(usage.Exclusive >= 1024 * 1024);
    }

    [RequiresFact(Root = true, Timeout = 60_000)]
    public async Task A_size_limit_is_refused_off_btrfs_with_the_reason()
    {
        RequireExt4();

        var refused = await Assert.ThrowsAsync<DisklessException>(() =>
            RootQuota.EnsurePossibleAsync(_folder, 20L << 30, _host.Commands, callerIsRoot: true, CancellationToken.None));

        Assert.Contains("needs the data dir on btrfs", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ext2/ext3", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, refused.ExitCode);
    }

    [RequiresFact(Root = true, Timeout = 60_000)]
    public async Task Prune_removes_the_bases_no_machine_uses_and_keeps_the_used_ones()
    {
        var paths = new HostPaths(_folder);
        DataDirectory.EnsureCreated(paths);
        foreach (var key in new[] { "used", "unused" })
        {
            Directory.CreateDirectory(Path.Combine(paths.BasesDirectory, key, "etc"));
        }

        Directory.CreateDirectory(Path.Combine(paths.MachinesDirectory, "m1"));
        await BaseUsage.RecordAsync(Path.Combine(paths.MachinesDirectory, "m1"), "used", CancellationToken.None);
        var host = new RealHostWithPaths(_host, paths);
        var output = new StringWriter();

        await PruneHandler.RunAsync(host, new NoNamespaces(), new Diskless.Cli.Isolation.HostIdentity("root", 0, 0), _folder, output, json: true, CancellationToken.None);

        Assert.False(Directory.Exists(Path.Combine(paths.BasesDirectory, "unused")));
        Assert.True(Directory.Exists(Path.Combine(paths.BasesDirectory, "used", "etc")));
        Assert.Contains("\"key\": \"unused\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"usedBy\": [\n        \"m1\"", output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [RequiresFact(Root = true, Timeout = 60_000)]
    public async Task Prune_removes_nothing_while_a_machine_does_not_say_which_base_it_uses()
    {
        var paths = new HostPaths(_folder);
        DataDirectory.EnsureCreated(paths);
        Directory.CreateDirectory(Path.Combine(paths.BasesDirectory, "unused"));
        Directory.CreateDirectory(Path.Combine(paths.MachinesDirectory, "old", "root"));

        await PruneHandler.RunAsync(new RealHostWithPaths(_host, paths), new NoNamespaces(), new Diskless.Cli.Isolation.HostIdentity("root", 0, 0), _folder, new StringWriter(), json: false, CancellationToken.None);

        Assert.True(Directory.Exists(Path.Combine(paths.BasesDirectory, "unused")));
        Assert.Contains(_host.RecordedProgress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("no base is removed", StringComparison.Ordinal));
    }

    private void RequireExt4()
    {
        var type = new DriveInfo(_folder).DriveFormat;
        Assert.True(type is "ext2" or "ext3" or "ext4", $"{_folder} is on {type}, not ext4");
    }

    private sealed class NoNamespaces : Diskless.Cli.Isolation.IMachineNamespaces
    {
        public Task<Diskless.Cli.Isolation.MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("root prunes without a namespace");
    }

    private sealed class RealHostWithPaths(RealHost inner, HostPaths paths) : IHostServices
    {
        public ICommandRunner Commands => inner.Commands;

        public IProcessTable Processes => inner.Processes;

        public IChroot Chroot => inner.Chroot;

        public IUserNamespace? Namespace => null;

        public IRootFiles RootFiles(string rootDirectory) => inner.RootFiles(rootDirectory);

        public ITemplates Templates => inner.Templates;

        public IProgressReporter Progress => inner.Progress;

        public HostPaths Paths => paths;

        public string? FindExecutable(string name, params string[] extraDirectories) => inner.FindExecutable(name, extraDirectories);
    }
}
