using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// One set of edits and reads run against every <see cref="IRootFiles"/>: the namespace implementation as root and as
/// the test user, and the host-owned one, so that all of them provably do the same thing. A tree is prepared with the
/// traps a guest could leave (a link out of the root at a write target, a link among an owner's folders, fifos, a huge
/// file), then edited and read; owners are checked by the callers, who know the id map.
/// </summary>
internal static class RootFilesScenario
{
    public const string OutsideContent = "a host file outside the root\n";

    // Multi-byte UTF-8, shell metacharacters, no trailing newline: a text that only survives an exact round trip.
    public const string Profile = "é ✓ 'quoted' $HOME `id` \\ \"x\"\r\n\tno newline";

    public const string ToolPath = "/usr/local/bin/odd name's $(tool)";

    /// <summary>The busybox applets the namespace implementation's scripts use, beyond TinyRoot's own.</summary>
    public static readonly string[] Applets = ["mkdir", "chmod", "chown", "ln", "rm", "cp", "mv", "stat", "head", "od", "readlink", "printf"];

    /// <summary>Top-level entries the scenario never touches: the tiny root's programs and the sandbox's mount points.</summary>
    public static readonly string[] Untouched = ["bin", "lib", "lib64", "proc", "dev", "tmp"];

    /// <summary>The state a guest could have left, made by the test process (root); the caller then gives it to the range.</summary>
    public static async Task PrepareAsync(string tree, string outsideFile)
    {
        foreach (var folder in new[] { "etc/skel/folder", "srv/real", "srv/dir", "proc", "dev", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(tree, folder));
        }

        File.CreateSymbolicLink(Path.Combine(tree, "etc/motd"), outsideFile);
        await File.WriteAllTextAsync(Path.Combine(tree, "etc/localtime"), "old\n");
        await WriteAsync(tree, "etc/secret", "s3cret\n", (UnixFileMode)0b110_100_000);
        File.CreateSymbolicLink(Path.Combine(tree, "etc/hostname-link"), "hostname");
        await WriteAsync(tree, "etc/skel/.bashrc", "bashrc\n", (UnixFileMode)0b110_100_100);
        File.CreateSymbolicLink(Path.Combine(tree, "etc/skel/link"), ".bashrc");
        await MkfifoAsync(Path.Combine(tree, "etc/skel/fifo"));
        await MkfifoAsync(Path.Combine(tree, "srv/fifo"));
        await File.WriteAllTextAsync(Path.Combine(tree, "srv/big"), new string('x', 100));
        await File.WriteAllTextAsync(Path.Combine(tree, "srv/old"), "old\n");
        File.CreateSymbolicLink(Path.Combine(tree, "srv/oldlink"), "old");
        File.CreateSymbolicLink(Path.Combine(tree, "srv/linked"), "/srv/real");
    }

    /// <summary>The edits; <paramref name="hostKey"/> is a host file the implementation can read and the guest cannot reach.</summary>
    public static IReadOnlyList<RootEdit> Edits(string hostKey) =>
    [
        new WriteFileEdit("/etc/hostname", "box\n", (UnixFileMode)0b110_100_100),
        new WriteFileEdit("/etc/motd", "welcome\n", (UnixFileMode)0b110_100_100),
        new CreateDirectoryEdit("/home/vagrant", (UnixFileMode)0b111_101_101, new RootOwner(1000, 1000)),
        new CreateDirectoryEdit("/home/vagrant/.ssh", (UnixFileMode)0b111_000_000, new RootOwner(1000, 1000)),
        new CreateDirectoryEdit("/home/other/.config/app", (UnixFileMode)0b111_000_000, new RootOwner(1000, 1000)),
        new WriteFileEdit("/home/vagrant/.ssh/authorized_keys", "ssh-ed25519 AAAA test\n", (UnixFileMode)0b110_000_000, new RootOwner(1000, 1000)),
        new WriteFileEdit("/home/vagrant/.profile", Profile, (UnixFileMode)0b110_100_100, new RootOwner(1000, 1000)),
        new WriteFileEdit("/var/lib/game/score", "42", (UnixFileMode)0b110_100_000, new RootOwner(42, 42)),
        new CopyFileEdit(hostKey, "/etc/ssh/ssh_host_ed25519_key", (UnixFileMode)0b110_000_000),
        new WriteFileEdit(ToolPath, "#!/bin/sh\n", UnixFileMode.SetUser | (UnixFileMode)0b111_101_101),
        // Owned and setgid: chown clears the bit, so it must be set after the owner.
        new WriteFileEdit("/var/lib/game/play", "#!/bin/sh\n", UnixFileMode.SetGroup | (UnixFileMode)0b111_101_101, new RootOwner(0, 42)),
        new WriteFileEdit("/etc/open", "open\n", (UnixFileMode)0b111_111_111),
        new SymlinkEdit("/etc/localtime", "/usr/share/zoneinfo/UTC"),
        new SymlinkEdit("/etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service"),
        new DeleteFileEdit("/srv/old"),
        new DeleteFileEdit("/srv/oldlink"),
        new DeleteFileEdit("/srv/nothing"),
        new DeleteFileEdit("/srv/dir"),
        new CreateDirectoryEdit("/etc/skel/folder", (UnixFileMode)0b111_000_000),

        // No owner: a link among the folders is followed, inside the root.
        new WriteFileEdit("/srv/linked/plain", "p\n", (UnixFileMode)0b110_100_100),
    ];

    /// <summary>Edits that must each be refused: an owner's path through a link.</summary>
    public static IReadOnlyList<RootEdit> Refused =>
    [
        new WriteFileEdit("/srv/linked/x", "x\n", (UnixFileMode)0b110_100_100, new RootOwner(1000, 1000)),
        new CreateDirectoryEdit("/srv/linked/sub", (UnixFileMode)0b111_101_101, new RootOwner(1000, 1000)),
    ];

    /// <summary>Applies the edits, checks what needs no id map, then the reads.</summary>
    public static async Task RunAsync(IRootFiles files, string tree, string hostKey, string outsideFile)
    {
        await files.ApplyAsync(Edits(hostKey), CancellationToken.None);
        foreach (var refused in Refused)
        {
            var error = await Assert.ThrowsAsync<DisklessException>(() => files.ApplyAsync([refused], CancellationToken.None));
            Assert.Contains("/srv/linked", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(["plain"], Directory.EnumerateFileSystemEntries(Path.Combine(tree, "srv/real")).Select(Path.GetFileName));

        Assert.Equal("box\n", await File.ReadAllTextAsync(Path.Combine(tree, "etc/hostname")));
        Assert.Null(new FileInfo(Path.Combine(tree, "etc/motd")).LinkTarget);
        Assert.Equal("welcome\n", await File.ReadAllTextAsync(Path.Combine(tree, "etc/motd")));
        Assert.Equal(OutsideContent, await File.ReadAllTextAsync(outsideFile));
        Assert.Equal(Profile, await File.ReadAllTextAsync(Path.Combine(tree, "home/vagrant/.profile")));
        Assert.Equal("PRIVATE KEY\n", await File.ReadAllTextAsync(Path.Combine(tree, "etc/ssh/ssh_host_ed25519_key")));
        Assert.Equal("/usr/share/zoneinfo/UTC", new FileInfo(Path.Combine(tree, "etc/localtime")).LinkTarget);
        Assert.Equal("/lib/systemd/system/ssh.service", new FileInfo(Path.Combine(tree, "etc/systemd/system/multi-user.target.wants/ssh.service")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(tree, "srv/old")));
        Assert.Null(new FileInfo(Path.Combine(tree, "srv/oldlink")).LinkTarget);
        Assert.True(Directory.Exists(Path.Combine(tree, "srv/dir")));

        // Exact modes, whatever the umask: parents 0755, setuid kept, 0777 not narrowed.
        Assert.Equal("0755", Mode(tree, "home"));
        Assert.Equal("0755", Mode(tree, "home/vagrant"));
        Assert.Equal("0700", Mode(tree, "home/vagrant/.ssh"));
        Assert.Equal("0755", Mode(tree, "home/other/.config"));
        Assert.Equal("0700", Mode(tree, "home/other/.config/app"));
        Assert.Equal("0600", Mode(tree, "home/vagrant/.ssh/authorized_keys"));
        Assert.Equal("0640", Mode(tree, "var/lib/game/score"));
        Assert.Equal("0755", Mode(tree, "var/lib/game"));
        Assert.Equal("0600", Mode(tree, "etc/ssh/ssh_host_ed25519_key"));
        Assert.Equal("4755", Mode(tree, ToolPath[1..]));
        Assert.Equal("2755", Mode(tree, "var/lib/game/play"));
        Assert.Equal("0777", Mode(tree, "etc/open"));
        Assert.Equal("0700", Mode(tree, "etc/skel/folder"));

        Assert.Equal(new RootFile("/etc/secret", "s3cret\n", (UnixFileMode)0b110_100_000), await files.ReadAsync("/etc/secret", 1024, CancellationToken.None));
        Assert.Equal(new RootFile("/home/vagrant/.profile", Profile, (UnixFileMode)0b110_100_100), await files.ReadAsync("/home/vagrant/.profile", 1024, CancellationToken.None));
        Assert.Equal("42", (await files.ReadAsync("/var/lib/game/score", 1024, CancellationToken.None))?.Content);
        Assert.Equal("box\n", (await files.ReadAsync("/etc/hostname-link", 1024, CancellationToken.None))?.Content);
        Assert.Equal((UnixFileMode)0b111_101_101, (await files.ReadAsync(ToolPath, 1024, CancellationToken.None))?.Mode);
        Assert.Null(await files.ReadAsync("/srv/nothing", 1024, CancellationToken.None));
        Assert.Null(await files.ReadAsync("/etc", 1024, CancellationToken.None));

        // A fifo is never opened: an open would wait for a writer that never comes. The bound is far above any run, and
        // cancels the read rather than leaving it blocked behind the test.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var fifo = await files.ReadAsync("/srv/fifo", 1024, bound.Token).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(new RootFile("/srv/fifo", "", (UnixFileMode)0b110_000_000), fifo);

        var tooBig = await Assert.ThrowsAsync<DisklessException>(() => files.ReadAsync("/srv/big", 10, CancellationToken.None));
        Assert.Contains("/srv/big is 100 bytes, more than the 10 Diskless reads", tooBig.Message, StringComparison.Ordinal);
        Assert.Equal(new string('x', 100), (await files.ReadAsync("/srv/big", 100, CancellationToken.None))?.Content);

        Assert.Equal([".bashrc", "fifo"], await files.ListFilesAsync("/etc/skel", CancellationToken.None));
        Assert.Empty(await files.ListFilesAsync("/srv/nothing", CancellationToken.None));

        Assert.True(await files.ExistsAsync("/etc/motd", CancellationToken.None));
        Assert.True(await files.ExistsAsync("/srv/dir", CancellationToken.None));
        Assert.False(await files.ExistsAsync("/srv/nothing", CancellationToken.None));
        Assert.False(await files.ExistsAsync("/etc/localtime", CancellationToken.None)); // a link whose target is not in the root
    }

    /// <summary>
    /// Every entry of the tree but <see cref="Untouched"/>, one line each: path, type, mode, guest owner, content or
    /// link target. Two trees with the same lines were edited the same way.
    /// </summary>
    public static List<string> Snapshot(string tree, Func<long, long, (long Uid, long Gid)> toGuest) =>
        new DirectoryInfo(tree).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(e => Path.GetRelativePath(tree, e.FullName))
            .Where(relative => !Untouched.Contains(relative.Split('/')[0]))
            .Order(StringComparer.Ordinal)
            .Select(relative => Describe(tree, relative, toGuest))
            .ToList();

    private static string Describe(string tree, string relative, Func<long, long, (long Uid, long Gid)> toGuest)
    {
        var path = Path.Combine(tree, relative);
        var status = FileStatus.Read(path, followLinks: false)!;
        var owner = toGuest(status.Uid, status.Gid);
        var info = new FileInfo(path);
        var (type, detail) = info.LinkTarget is { } target ? ("link", target)
            : Directory.Exists(path) ? ("dir", "")
            : status.IsRegularFile ? ("file", File.ReadAllText(path).ReplaceLineEndings("⏎"))
            : ("special", "");
        var mode = type == "link" ? "" : Convert.ToString((int)status.Mode, 8).PadLeft(4, '0');
        return $"{relative} {type} {mode} {owner.Uid}:{owner.Gid} {detail}";
    }

    /// <summary>A host file only root can read, in a folder only root can enter: the source of the copy edit.</summary>
    public static async Task<string> HostKeyAsync(string folder)
    {
        var path = Path.Combine(folder, "host-key");
        await WriteAsync(folder, "host-key", "PRIVATE KEY\n", (UnixFileMode)0b110_000_000);
        return path;
    }

    /// <summary>The host file the guest's /etc/motd links to: it must stay as it is.</summary>
    public static async Task<string> OutsideFileAsync(string folder)
    {
        var path = Path.Combine(folder, "outside");
        await WriteAsync(folder, "outside", OutsideContent, (UnixFileMode)0b110_100_100);
        return path;
    }

    private static async Task WriteAsync(string tree, string relative, string content, UnixFileMode mode)
    {
        var path = Path.Combine(tree, relative);
        await File.WriteAllTextAsync(path, content);
        File.SetUnixFileMode(path, mode);
    }

    private static Task MkfifoAsync(string path) =>
        new CliWrapCommandRunner(new RecordingProgress()).RunAsync(new CommandSpec("mkfifo", "-m", "600", path), CancellationToken.None);

    private static string Mode(string tree, string relative) =>
        Convert.ToString((int)FileStatus.Read(Path.Combine(tree, relative))!.Mode, 8).PadLeft(4, '0');
}
