using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>The holder for real, as root in this process (the ordinary user's case is in <see cref="NamespaceHolderAsUserTests"/>).</summary>
public sealed class NamespaceHolderTests
{
    private const long ProjectOwner = 4321;
    private const long ProjectGroup = 4322;

    private readonly CliWrapCommandRunner _runner = new(new RecordingProgress());
    private readonly ProcProcessTable _processes = new();

    [RequiresFact("unshare", "nsenter", "setpriv", Root = true, Timeout = 120_000)]
    public async Task As_root_guest_root_is_the_foreign_range_and_guest_1000_the_project_owner()
    {
        await using var project = await IsolationFolder.CreateAsync(ProjectOwner, ProjectGroup);
        var identity = HostIdentity.Current();
        var map = MachineIdMaps.ForHost(identity, project.Path)!;
        var start = SubordinateIds.Read(SubordinateIds.UidFile, "root", 0)?.Start ?? MachineIdMaps.RootRangeStart;
        Assert.Equal(start, map.SubordinateUidStart);
        Assert.Equal(ProjectOwner, map.LoginUid);
        Assert.Equal(ProjectGroup, map.LoginGid);

        var holder = await NamespaceHolder.StartAsync(map, identity, _runner, _processes, project.Combine("run"), CancellationToken.None);
        try
        {
            Assert.Equal("0", await OutputAsync(holder, new CommandSpec("id", "-u")));
            Assert.Equal("0", await OutputAsync(holder, new CommandSpec("id", "-G")));
            Assert.Equal(map.UidMapText, Tidy(await OutputAsync(holder, new CommandSpec("cat", "/proc/self/uid_map"))));
            Assert.Equal(map.GidMapText, Tidy(await OutputAsync(holder, new CommandSpec("cat", "/proc/self/gid_map"))));

            await _runner.RunAsync(holder.Enter(new CommandSpec("touch", project.Combine("as0"))), CancellationToken.None);
            await _runner.RunAsync(holder.Enter(new CommandSpec("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "touch", project.Combine("as1000"))), CancellationToken.None);
            await _runner.RunAsync(holder.Enter(new CommandSpec("sh", "-c", "touch \"$1\" && chown 65534:42 \"$1\"", "sh", project.Combine("chowned"))), CancellationToken.None);

            Assert.Equal((start, map.SubordinateGidStart), Owner(project.Combine("as0")));
            Assert.Equal((ProjectOwner, ProjectGroup), Owner(project.Combine("as1000")));
            Assert.Equal((start + 65534, map.SubordinateGidStart + 42), Owner(project.Combine("chowned")));
        }
        finally
        {
            await holder.DisposeAsync();
        }

        AssertGone(holder, project.Path);
    }

    [RequiresFact("unshare", "nsenter", Root = true, Timeout = 120_000)]
    public async Task Entered_commands_start_at_the_namespaces_root_unless_given_an_absolute_working_directory()
    {
        await using var project = await IsolationFolder.CreateAsync(ProjectOwner, ProjectGroup);
        var identity = HostIdentity.Current();
        await using var holder = await NamespaceHolder.StartAsync(MachineIdMaps.ForHost(identity, project.Path)!, identity, _runner, _processes, project.Combine("run"), CancellationToken.None);

        Assert.Equal("/", await OutputAsync(holder, new CommandSpec("pwd")));
        Assert.Equal(project.Path, await OutputAsync(holder, new CommandSpec("pwd") { WorkingDirectory = project.Path }));

        var entered = holder.Enter(new CommandSpec("/usr/bin/env", "true") { WorkingDirectory = "/srv", SuccessExitCodes = [0, 3], Description = "probe" });
        Assert.Equal("nsenter", entered.FileName);
        Assert.Equal(["-t", holder.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "-m", "-S", "0", "-G", "0", "--wd=/srv", "--", "/usr/bin/env", "true"], entered.Arguments);
        Assert.Null(entered.WorkingDirectory);
        Assert.Equal([0, 3], entered.SuccessExitCodes);
        Assert.Equal("probe", entered.Description);
        Assert.Equal("probe (/usr/bin/env) failed with exit code 1", new CommandFailedException(entered, 1, []).Message);

        Assert.Throws<ArgumentException>(() => holder.Enter(new CommandSpec("./relative-script")));
        Assert.Throws<ArgumentException>(() => holder.Enter(new CommandSpec("pwd") { WorkingDirectory = "relative" }));
        Assert.Throws<ArgumentException>(() => holder.Enter(new CommandSpec("pwd") { RequiresRoot = true }));
    }

    [RequiresFact("unshare", "nsenter", Root = true, Timeout = 120_000)]
    public async Task After_dispose_the_holder_is_gone_and_cannot_be_entered()
    {
        await using var project = await IsolationFolder.CreateAsync(ProjectOwner, ProjectGroup);
        var identity = HostIdentity.Current();
        var holder = await NamespaceHolder.StartAsync(MachineIdMaps.ForHost(identity, project.Path)!, identity, _runner, _processes, project.Combine("run"), CancellationToken.None);
        Assert.True(_processes.IsAlive(holder.Pid));
        Assert.Equal([holder.Pid], await HolderByNameAsync(project.Path));

        await holder.DisposeAsync();
        await holder.DisposeAsync();

        AssertGone(holder, project.Path);
        Assert.Empty(Directory.GetFileSystemEntries(project.Combine("run")));
        Assert.Throws<ObjectDisposedException>(() => holder.Enter(new CommandSpec("true")));
    }

    [RequiresFact("unshare", "nsenter", Root = true, Timeout = 120_000)]
    public async Task The_holder_dies_with_its_diskless_even_when_that_is_killed()
    {
        await using var project = await IsolationFolder.CreateAsync(ProjectOwner, ProjectGroup);
        await NamespaceHolderAsUserTests.KillTheProbeAndWatchTheHolderGoAsync(asTestUser: false, project.Path);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_holder_that_cannot_create_its_namespace_fails_with_its_own_words_and_leaves_nothing()
    {
        using var temp = new State.TempFolder();
        var runner = new FailingUnshare(_runner);

        var error = await Assert.ThrowsAsync<DisklessException>(() => NamespaceHolder.StartAsync(
            new IdMap(165536, 2345, 165536, 2345), new HostIdentity("u", 2345, 2345), runner, _processes, temp.Combine("run"), CancellationToken.None));

        Assert.Contains("could not create the machine's user namespace: unshare: unshare failed: No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Combine("run")));
        Assert.DoesNotContain(runner.Commands, c => c.FileName is "newuidmap" or "newgidmap");
    }

    private async Task<string> OutputAsync(NamespaceHolder holder, CommandSpec command) =>
        (await _runner.RunAsync(holder.Enter(command), CancellationToken.None)).StandardOutput.Trim();

    private void AssertGone(NamespaceHolder holder, string project)
    {
        Assert.False(_processes.IsAlive(holder.Pid));
        Assert.Empty(_processes.FindByCommandLine(NamespaceHolder.ProcessName, project));
    }

    private static (long, long) Owner(string path) => FileStatus.Read(path) is { } s ? (s.Uid, s.Gid) : throw new FileNotFoundException(path);

    /// <summary>The real runner, except that unshare fails the way it does where user namespaces are turned off.</summary>
    private sealed class FailingUnshare(ICommandRunner inner) : ICommandRunner
    {
        public List<CommandSpec> Commands { get; } = [];

        public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
        {
            Commands.Add(command);
            return inner.RunAsync(command, cancellationToken);
        }

        public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken)
        {
            Assert.Equal("unshare", command.FileName);
            return inner.StartDetachedAsync(
                new CommandSpec("/bin/sh", "-c", "sleep 0.2; echo 'unshare: unshare failed: No space left on device' >&2; exit 1"), logPath, cancellationToken);
        }
    }

    // /proc/self/uid_map pads its columns.
    private static string Tidy(string map) =>
        string.Concat(map.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)) + "\n"));

    /// <summary>
    /// The holder found by its name. It is unshare until it execs its shell, and while a process execs its command line
    /// reads empty for an instant, so a look right after start may miss it; 30 s is far more than an exec takes.
    /// </summary>
    private async Task<IReadOnlyList<int>> HolderByNameAsync(string project)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<int> found;
        while ((found = _processes.FindByCommandLine(NamespaceHolder.ProcessName, project)).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return found;
    }
}
