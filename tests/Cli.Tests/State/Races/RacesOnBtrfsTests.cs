using System.Security.Cryptography;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Pipeline;
using Diskless.Cli.Tests.State.Storage;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State.Races;

/// <summary>The race fixes where btrfs changes how they work: a read-only base must move out, a confined copy must still share blocks.</summary>
public sealed class RacesOnBtrfsTests
{
    private const long MiB = 1024 * 1024;
    private readonly RealHost _host = new(Path.GetTempPath());

    private ICommandRunner Runner => _host.Commands;

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task Prune_moves_a_read_only_subvolume_base_out_of_bases_and_deletes_it()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var host = new RealHost(btrfs.Combine("diskless"));
        var distro = new FakeDistro();
        var basePath = await new BaseCache(host).EnsureAsync(distro, distro.DescribeBase(DebianTestBase.DefaultSpec), CancellationToken.None);
        var output = new StringWriter();

        await PruneHandler.RunAsync(host, new NoNamespaces(), new HostIdentity("root", 0, 0), btrfs.MountPoint, output, json: false, CancellationToken.None);

        Assert.Contains($"removed base {Path.GetFileName(basePath)}", output.ToString(), StringComparison.Ordinal);
        Assert.False(Path.Exists(basePath));
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.TempDirectory));
        var subvolumes = await Runner.RunAsync(new CommandSpec("btrfs", "subvolume", "list", btrfs.MountPoint), CancellationToken.None);
        Assert.Equal("", subvolumes.StandardOutput.Trim());
    }

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", "bwrap", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task A_confined_snapshot_copy_of_a_root_that_is_no_subvolume_still_shares_every_block()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var record = StorageOnBtrfsTests.Record(btrfs.Combine("machines", "abc", "root"));
        Directory.CreateDirectory(record.RootPath);
        await File.WriteAllBytesAsync(Path.Combine(record.RootPath, "big"), RandomNumberGenerator.GetBytes((int)(16 * MiB)));
        await Runner.RunAsync(new CommandSpec("sync"), CancellationToken.None);

        var method = await new MachineSnapshots(record, _host).SaveAsync("s1", CancellationToken.None);
        await Runner.RunAsync(new CommandSpec("sync"), CancellationToken.None);
        var usage = await DiskUsage.MeasureAsync(Path.Combine(btrfs.Combine("machines", "abc", MachineSnapshots.FolderName, "s1")), Runner, null, CancellationToken.None);

        Assert.Equal(RootCloner.Reflink, method);
        Assert.True(usage.Bytes >= 16 * MiB, $"the snapshot refers to {usage.Bytes} bytes");
        Assert.True(usage.Exclusive < MiB, $"the snapshot holds {usage.Exclusive} bytes of its own: the copy did not share blocks");
    }

    private sealed class NoNamespaces : IMachineNamespaces
    {
        public Task<MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("root prunes without a namespace");
    }
}
