using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// The default Debian base built for real as a namespace root (mmdebstrap as guest root, as host root running
/// diskless), then cloned into a machine root and removed in the same namespace. One build per machine and map,
/// kept in the cache between runs (<see cref="NamespaceTestBase"/>).
/// </summary>
public sealed class NamespaceBaseTests(ITestOutputHelper output)
{
    private const int NinetyMinutes = 90 * 60 * 1000;

    [RequiresFact("unshare", "nsenter", "mmdebstrap", "cp", "find", Root = true, Timeout = NinetyMinutes)]
    public async Task As_root_the_base_is_built_cloned_and_removed_as_guest_root_and_belongs_to_the_subordinate_range()
    {
        var ct = CancellationToken.None;
        var log = Path.Combine(NamespaceTestBase.DataDirectory, "last-build-output.log");
        Directory.CreateDirectory(NamespaceTestBase.DataDirectory);
        var progress = new LineProgress(output.WriteLine);
        var runner = new RecordingRunner(new CliWrapCommandRunner(progress), log);
        await using var holder = await NamespaceTestBase.StartNamespaceAsync(runner, ct);
        var map = holder.Map;
        var (s, sg) = (map.SubordinateUidStart, map.SubordinateGidStart);

        var basePath = await NamespaceTestBase.EnsureAsync(runner, holder, output.WriteLine, ct);

        // Built under this map: the key says so, "/" and everything in it belong to the range (or the login user).
        Assert.EndsWith("-map" + map.Fingerprint, basePath, StringComparison.Ordinal);
        Assert.Equal((s, sg), Owner(basePath));
        Assert.Equal((s, sg), Owner(Path.Combine(basePath, "etc", "passwd")));
        Assert.Equal((s, sg + 42), Owner(Path.Combine(basePath, "etc", "shadow")));
        var owners = await OwnersAsync(runner, basePath);
        Assert.All(owners, o => Assert.True(
            InRange(o.Uid, s) && InRange(o.Gid, sg) || o.Uid == NamespaceTestBase.LoginUid || o.Gid == NamespaceTestBase.LoginGid,
            $"{o.Uid}:{o.Gid} is outside {s}…{s + 65535}"));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(basePath, "boot"), "vmlinuz-*"));
        // No initramfs: each machine's configure builds the one it boots (INITRD=No during the build).
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(basePath, "boot"), "initrd.img-*"));
        // mmdebstrap's cleanup leaves no downloaded package behind (no apt-get clean step in this path).
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(basePath, "var", "cache", "apt", "archives"), "*.deb"));

        // Clone as guest root: the same files with the same owners and modes.
        var paths = new HostPaths(NamespaceTestBase.DataDirectory);
        await GuestRootFolders.EnsureDataDirectoryReachableAsync(paths, holder, runner, ct);
        var machine = Path.Combine(paths.MachinesDirectory, "clone-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(machine);
        File.WriteAllText(Path.Combine(machine, "machine.json"), "{}");
        var root = Path.Combine(machine, "root");
        runner.Commands.Clear();

        var method = await RootCloner.CloneAsync(basePath, root, runner, progress, holder, ct);

        Assert.Equal(RootCloner.Copy, method);
        var copy = Assert.Single(runner.Commands, c => c.Arguments.Contains("cp"));
        Assert.Equal("nsenter", copy.FileName);
        Assert.Equal(await ListingAsync(runner, basePath), await ListingAsync(runner, root));
        Assert.Equal((s, sg), Owner(root));

        // Removed as guest root; what only root may remove (its machine folder and machine.json) goes after.
        runner.Commands.Clear();
        var removal = await FolderRemover.RemoveAsync(machine, paths.MachinesDirectory, runner, holder, ct);

        Assert.Equal(RemovalMethod.Removed, removal.Method);
        Assert.False(Path.Exists(machine));
        Assert.Equal("nsenter", runner.Commands.First(c => c.Arguments.Contains("rm")).FileName);
        Assert.All(runner.Commands, c => Assert.False(c.RequiresRoot, $"{c} asked for host root"));
    }

    private static bool InRange(long id, long start) => id >= start && id - start < IdMap.GuestIdCount;

    private static (long Uid, long Gid) Owner(string path) =>
        Diskless.Cli.Isolation.FileStatus.Read(path, followLinks: false) is { } s ? (s.Uid, s.Gid) : throw new FileNotFoundException(path);

    private static async Task<IReadOnlyList<(long Uid, long Gid)>> OwnersAsync(ICommandRunner runner, string root)
    {
        var result = await runner.RunAsync(new CommandSpec("find", root, "-xdev", "-printf", "%U %G\\n"), CancellationToken.None);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct()
            .Select(l => l.Split(' ')).Select(f => (long.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>Every entry's path (relative), type, owner, mode and link target, sorted.</summary>
    private static async Task<string> ListingAsync(ICommandRunner runner, string root)
    {
        var result = await runner.RunAsync(new CommandSpec("find", root, "-xdev", "-printf", "%P %y %U:%G %m %l\\n"), CancellationToken.None);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    /// <summary>The real runner, recording the commands and keeping mmdebstrap's raw output in a file (the parser's reference).</summary>
    private sealed class RecordingRunner(ICommandRunner inner, string outputLog) : ICommandRunner
    {
        public List<CommandSpec> Commands { get; } = [];

        public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
        {
            lock (Commands)
            {
                Commands.Add(command);
            }

            if (command.Arguments.Contains("mmdebstrap"))
            {
                var writer = new StreamWriter(outputLog, append: false) { AutoFlush = true };
                var gate = new Lock();
                var observe = command.OnOutputLine;
                command = command with
                {
                    OnOutputLine = line =>
                    {
                        lock (gate)
                        {
                            writer.WriteLine(line);
                        }

                        observe?.Invoke(line);
                    },
                };
                return RunAndCloseAsync(command, writer, cancellationToken);
            }

            return inner.RunAsync(command, cancellationToken);
        }

        public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken) =>
            inner.StartDetachedAsync(command, logPath, cancellationToken);

        private async Task<CommandResult> RunAndCloseAsync(CommandSpec command, StreamWriter writer, CancellationToken cancellationToken)
        {
            await using (writer)
            {
                return await inner.RunAsync(command, cancellationToken);
            }
        }
    }
}
