using Diskless.Testing;

namespace Diskless.EndToEnd.Rootless;

/// <summary>
/// One machine brought up once by the ordinary test user — no root, no sudo — in a project that user owns, shared
/// by every test of <see cref="A_machine_of_an_ordinary_user"/>. Its first up builds the user's own base with
/// mmdebstrap in the user's namespace.
/// </summary>
public sealed class RootlessMachine : IAsyncLifetime
{
    private static readonly TimeSpan FirstUpTimeout = TimeSpan.FromMinutes(30);

    public string ProjectDirectory { get; } = Path.Combine("/tmp", "diskless-e2e-user-" + Guid.NewGuid().ToString("N")[..8]);

    public string SyncedFolder => Path.Combine(ProjectDirectory, "shared");

    /// <summary>A synced folder with <c>watch = false</c>: host edits in it make no event in the guest.</summary>
    public string UnwatchedFolder => Path.Combine(ProjectDirectory, "unwatched");

    /// <summary>A synced folder that belongs to host root: the guest's user cannot own it, and up says so.</summary>
    public string RootsFolder => Path.Combine(ProjectDirectory, "roots");

    /// <summary>A file of the test user's, outside the guest's reach, that the guest aims links at; no command may change it.</summary>
    public string Canary { get; } = Path.Combine("/tmp", "diskless-e2e-user-canary-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// The open-file limit the first up runs under (soft and hard): far below the trees the tests walk, whatever the
    /// limit of the machine the tests run on.
    /// </summary>
    public const int DescriptorLimit = 2000;

    /// <summary>Files in each generated tree (the synced folder's, made on the host; the guest root's, made by the guest).</summary>
    public const int TreeFiles = 5000;

    /// <summary>The generated tree in the synced folder: <see cref="TreeFiles"/> files of "x\n", 250 to a folder.</summary>
    public string BigTree => Path.Combine(SyncedFolder, "bigtree");

    public CliRun? FirstUp { get; private set; }

    public string? SetupFailure { get; private set; }

    public async Task InitializeAsync()
    {
        if ((Prerequisites.Missing(root: true, ["runuser", "qemu-system-x86_64", "mmdebstrap", "newuidmap", "bwrap", "ssh"]) ?? Prerequisites.MissingTestUser()) is { } missing)
        {
            SetupFailure = missing;
            return;
        }

        await TestUserDiskless.PrepareDataDirectoryAsync();
        Directory.CreateDirectory(SyncedFolder);
        Directory.CreateDirectory(UnwatchedFolder);
        await File.WriteAllTextAsync(Path.Combine(SyncedFolder, "from-host.txt"), "written by the user\n");
        for (var i = 0; i < TreeFiles; i++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(BigTree, "d" + (i / 250).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "f" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "x\n");
        }

        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "Disklessfile"), Disklessfile);
        await File.WriteAllTextAsync(Canary, MachineFixture.CanaryText);
        await TestUserDiskless.ChownAsync(Canary, recursive: false);
        await TestUserDiskless.ChownAsync(ProjectDirectory, recursive: true);
        File.SetUnixFileMode(ProjectDirectory, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(RootsFolder);
        FirstUp = await RunAsync(FirstUpTimeout, "up");
        if (FirstUp.ExitCode != 0)
        {
            SetupFailure = "diskless up as " + TestUser.Name + " failed: " + FirstUp;
        }
    }

    public async Task DisposeAsync()
    {
        if (Directory.Exists(ProjectDirectory))
        {
            await RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
            Directory.Delete(ProjectDirectory, recursive: true);
        }

        File.Delete(Canary);
    }

    /// <summary>Runs diskless as the user, under <see cref="DescriptorLimit"/> as every command of this machine: a reload starts virtiofsd again.</summary>
    public Task<CliRun> RunAsync(TimeSpan timeout, params string[] arguments) =>
        TestUserDiskless.RunAsync(ProjectDirectory, timeout, DescriptorLimit, arguments);

    public Task<CliRun> SshAsync(string command) => RunAsync(TimeSpan.FromMinutes(2), "ssh", "-c", command);

    public void EnsureUp(Xunit.Abstractions.ITestOutputHelper output)
    {
        if (FirstUp is not null)
        {
            output.WriteLine($"first up as {TestUser.Name}: {FirstUp.Duration.TotalSeconds:F1}s");
        }

        Assert.True(SetupFailure is null, SetupFailure);
    }

    private const string Disklessfile = """
        name = "e2e-user"
        cpus = 2
        memory = "1GiB"

        [distro]
        name = "debian"
        release = "bookworm"
        # A watcher and inotifywait, to hear host edits as the guest's programs do.
        packages = ["inotify-tools", "entr"]

        [[synced_folders]]
        host = "shared"
        guest = "/project"

        [[synced_folders]]
        host = "roots"
        guest = "/roots"

        [[synced_folders]]
        host = "."
        guest = "/workspace"

        [[synced_folders]]
        host = "unwatched"
        guest = "/unwatched"
        watch = false
        """;
}
