using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.EndToEnd.Storage;

/// <summary>
/// One real machine whose data dir lies on a btrfs image the fixture makes (truncate + mkfs.btrfs + mount -o loop),
/// brought up once and shared by <see cref="A_machine_on_btrfs"/>. It has a size limit, so its root is a subvolume
/// snapshot of the base with a qgroup limit.
/// <para>
/// The base is not built again on btrfs (minutes): the data dir's base cache is seeded with the namespace test base
/// (<see cref="NamespaceTestBase"/>, built once per machine in <c>$DISKLESS_TEST_HOME/ns-base-root</c>) the way
/// <c>BaseCache</c> expects a finished base: a folder named by its cache key in <c>bases/</c>, here a read-only
/// subvolume holding a reflink copy of the cached tree. The key is the one diskless computes for this project: the
/// project folder belongs to <see cref="NamespaceTestBase.LoginUid"/>, so root's map for it is
/// <see cref="NamespaceTestBase.Map"/>, the map the cached base was built under.
/// </para>
/// </summary>
public sealed class MachineOnBtrfs : IAsyncLifetime
{
    private static readonly TimeSpan FirstUpTimeout = TimeSpan.FromMinutes(20);
    private readonly CliWrapCommandRunner _runner = new(new LineProgress(_ => { }));
    private LoopBtrfs? _btrfs;

    public string ProjectDirectory { get; } = Directory.CreateTempSubdirectory("diskless-e2e-btrfs-").FullName;

    public string DataDirectory => _btrfs!.Combine("diskless");

    public string? BaseKey { get; private set; }

    public CliRun? FirstUp { get; private set; }

    public string? SetupFailure { get; private set; }

    public async Task InitializeAsync()
    {
        if ((Prerequisites.Missing(root: true, ["qemu-system-x86_64", "mmdebstrap", "ssh", "mkfs.btrfs", "btrfs"]) ?? Prerequisites.MissingLoopDevices()) is { } missing)
        {
            SetupFailure = missing;
            return;
        }

        _btrfs = await LoopBtrfs.MountAsync(_runner, "4G");
        Directory.CreateDirectory(DataDirectory);
        await SeedBaseAsync();
        File.SetUnixFileMode(ProjectDirectory, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "Disklessfile"), Disklessfile);
        await _runner.RunAsync(new CommandSpec("chown", "-R", $"{NamespaceTestBase.LoginUid}:{NamespaceTestBase.LoginGid}", ProjectDirectory), CancellationToken.None);
        FirstUp = await RunAsync(FirstUpTimeout, "up");
        if (FirstUp.ExitCode != 0)
        {
            SetupFailure = "diskless up failed: " + FirstUp;
        }
    }

    public async Task DisposeAsync()
    {
        if (_btrfs is null)
        {
            return;
        }

        await RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        Directory.Delete(ProjectDirectory, recursive: true);
        await _btrfs.DisposeAsync();
    }

    public Task<CliRun> RunAsync(TimeSpan timeout, params string[] arguments) =>
        DisklessProcess.RunProgramAsync(DisklessProcess.Program, arguments, ProjectDirectory, timeout, new Dictionary<string, string?> { ["DISKLESS_HOME"] = DataDirectory });

    public Task<CliRun> SshAsync(string command) => RunAsync(TimeSpan.FromMinutes(2), "ssh", "-c", command);

    public async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var run = await RunAsync(TimeSpan.FromMinutes(3), arguments);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    public void EnsureUp(Xunit.Abstractions.ITestOutputHelper output)
    {
        if (FirstUp is not null)
        {
            output.WriteLine($"first up on btrfs: {FirstUp.Duration.TotalSeconds:F1}s\n{FirstUp.Stderr}");
        }

        Assert.True(SetupFailure is null, SetupFailure);
    }

    private async Task SeedBaseAsync()
    {
        string cached;
        await using (var holder = await NamespaceTestBase.StartNamespaceAsync(_runner, CancellationToken.None))
        {
            cached = await NamespaceTestBase.EnsureAsync(_runner, holder, _ => { }, CancellationToken.None);
        }

        BaseKey = Path.GetFileName(cached);
        var bases = Directory.CreateDirectory(Path.Combine(DataDirectory, "bases")).FullName;
        var seeded = Path.Combine(bases, BaseKey);
        await _runner.RunAsync(new CommandSpec("btrfs", "subvolume", "create", seeded), CancellationToken.None);
        await _runner.RunAsync(new CommandSpec("cp", "-a", "--reflink=auto", "--one-file-system", cached + "/.", seeded), CancellationToken.None);
        await _runner.RunAsync(new CommandSpec("btrfs", "property", "set", "-ts", seeded, "ro", "true"), CancellationToken.None);
    }

    private const string Disklessfile = """
        name = "e2e-btrfs"
        cpus = 2
        memory = "1GiB"
        size = "3GiB"

        [distro]
        name = "debian"
        release = "bookworm"
        """;
}
