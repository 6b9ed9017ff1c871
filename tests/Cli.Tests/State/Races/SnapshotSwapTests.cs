using Diskless.Abstractions;
using Diskless.Cli.State;
using Diskless.Cli.Tests.State.Storage;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State.Races;

/// <summary>
/// <c>snapshot save</c> of a running machine on a filesystem without snapshots (ext4 here) copies the root with
/// <c>cp -a</c> while the guest may change it. cp walks by path: a folder it saw as a folder and that the guest then
/// swaps for a link is entered through the link. The copy step is held at exactly that point (the copy program is
/// replaced by one that copies like cp, stops after seeing the folder, and descends once the test has swapped it),
/// so the race is hit every time, with the real sandbox around it.
/// </summary>
public sealed class SnapshotSwapTests : IDisposable
{
    // cp's walk, stopped between seeing "etc" as a folder and entering it: the gate is a file the test makes.
    private const string MidWalkCopy = """
        src=$1 dst=$2
        [ -d "$src/etc" ] && [ ! -L "$src/etc" ] || { echo "etc is not a folder before the swap" >&2; exit 3; }
        cp -a "$src/keep" "$dst/keep"
        : > "$dst/.at-etc"
        i=0
        until [ -e "$src/.swapped" ]; do i=$((i+1)); [ $i -gt 3000 ] && { echo "never swapped" >&2; exit 4; }; sleep 0.02; done
        rm "$dst/.at-etc"
        mkdir "$dst/etc" && cp -a "$src/etc/." "$dst/etc" || true
        """;

    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateDirectory(Path.Combine("/var/tmp", "diskless-swap-" + Guid.NewGuid().ToString("n")[..8])).FullName;
    private readonly RealHost _host = new(Path.GetTempPath());

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [RequiresFact("cp", "bwrap", Root = true, Timeout = 120_000)]
    public Task A_folder_swapped_mid_copy_for_a_link_to_a_host_folder_brings_nothing_of_it_into_the_snapshot() =>
        SwapMidCopyAsync(hostFolder: true);

    [RequiresFact("cp", "bwrap", Root = true, Timeout = 120_000)]
    public Task A_folder_swapped_mid_copy_for_a_relative_link_beside_the_root_brings_nothing_of_the_machines_folder_into_the_snapshot() =>
        SwapMidCopyAsync(hostFolder: false);

    private async Task SwapMidCopyAsync(bool hostFolder)
    {
        var canary = Directory.CreateDirectory(Path.Combine(_folder, "canary")).FullName;
        await File.WriteAllTextAsync(Path.Combine(canary, "secret"), "host canary\n");
        var machine = Path.Combine(_folder, "machines", "abc");
        var besideRoot = Directory.CreateDirectory(Path.Combine(machine, "state")).FullName;
        await File.WriteAllTextAsync(Path.Combine(besideRoot, "secret"), "machine state canary\n");
        var record = StorageOnBtrfsTests.Record(Path.Combine(machine, "root"));
        Directory.CreateDirectory(Path.Combine(record.RootPath, "etc"));
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "etc", "hostname"), "guest\n");
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "keep"), "kept\n");
        var linkTarget = hostFolder ? canary : "../state";
        var snapshot = Path.Combine(machine, MachineSnapshots.FolderName, "s1");
        _host.Commands = new MidWalkRunner(_host.Commands, MidWalkCopy);

        var guest = SwapWhenTheCopyIsAtEtcAsync(record.RootPath, snapshot, linkTarget);
        var method = await new MachineSnapshots(record, _host).SaveAsync("s1", CancellationToken.None);
        await guest.WaitAsync(Generously);

        Assert.Equal(RootCloner.Copy, method);
        Assert.Equal(linkTarget, new FileInfo(Path.Combine(record.RootPath, "etc")).LinkTarget);
        Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Combine(snapshot, "keep")));
        var copied = Directory.EnumerateFiles(snapshot, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).LinkTarget is null)
            .ToList();
        Assert.DoesNotContain(copied, f => Path.GetFileName(f) == "secret");
        Assert.DoesNotContain(copied, f => File.ReadAllText(f).Contains("canary", StringComparison.Ordinal));
        Assert.Equal("host canary\n", await File.ReadAllTextAsync(Path.Combine(canary, "secret")));
    }

    /// <summary>The guest's move: once the copy has seen etc as a folder, etc becomes a link to <paramref name="linkTarget"/>.</summary>
    private static async Task SwapWhenTheCopyIsAtEtcAsync(string root, string snapshot, string linkTarget)
    {
        var gate = Path.Combine(snapshot, ".at-etc");
        using var timeout = new CancellationTokenSource(Generously);
        while (!File.Exists(gate))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }

        Directory.Move(Path.Combine(root, "etc"), Path.Combine(root, "etc.away"));
        File.CreateSymbolicLink(Path.Combine(root, "etc"), linkTarget);
        await File.WriteAllTextAsync(Path.Combine(root, ".swapped"), "");
    }

    /// <summary>
    /// Runs every command as it is, except the tree copy: its <c>cp</c>, sandboxed or not, becomes
    /// <paramref name="script"/> over the same source and destination, as the program sees them.
    /// </summary>
    private sealed class MidWalkRunner(ICommandRunner inner, string script) : ICommandRunner
    {
        public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken) =>
            inner.RunAsync(Rewrite(command), cancellationToken);

        public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken) =>
            inner.StartDetachedAsync(command, logPath, cancellationToken);

        private CommandSpec Rewrite(CommandSpec command)
        {
            var arguments = command.Arguments.ToList();
            if (command.FileName == "cp" && arguments.Contains("-a"))
            {
                return command with { FileName = "/bin/sh", Arguments = ["-c", script, "sh", arguments[^2], arguments[^1]] };
            }

            var program = arguments.IndexOf("--");
            if (command.FileName == "bwrap" && program >= 0 && arguments[program + 1] == "cp")
            {
                return command with { Arguments = [.. arguments[..(program + 1)], "/bin/sh", "-c", script, "sh", arguments[^2], arguments[^1]] };
            }

            return command;
        }
    }
}
