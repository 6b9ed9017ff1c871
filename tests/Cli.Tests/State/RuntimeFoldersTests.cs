using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

/// <summary>
/// The runtime folders on the real filesystem: made private by Diskless, and anything else found in their place
/// (another user's folder, a link, a folder others may write in) refused with its path, never used.
/// </summary>
public sealed class RuntimeFoldersTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly long Me = HostIdentity.Current().Uid;

    // A stand-in for /tmp: world-writable and sticky, in /tmp itself so another user can reach it.
    private readonly string _tmp = Directory.CreateTempSubdirectory("diskless-runtime-").FullName;

    public RuntimeFoldersTests() =>
        File.SetUnixFileMode(_tmp, (UnixFileMode)0b1_111_111_111);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private RuntimeFolders WithoutSession() => new(_ => null, isRoot: false, Me, _tmp);

    private RuntimeFolders WithSession(string session) => new(name => name == "XDG_RUNTIME_DIR" ? session : null, isRoot: false, Me, _tmp);

    [Fact]
    public void Without_a_session_folder_the_fallback_in_tmp_is_made_private_and_so_is_each_machine_folder()
    {
        var folders = WithoutSession();

        var machine = folders.EnsureMachineFolder("0123456789ab");

        Assert.Equal(Path.Combine(_tmp, $"diskless-{Me}"), folders.Base);
        Assert.Equal(folders.MachineFolder("0123456789ab"), machine);
        foreach (var folder in new[] { folders.Base, machine })
        {
            var status = FileStatus.Read(folder, followLinks: false)!;
            Assert.True(status.IsDirectory);
            Assert.Equal(Me, status.Uid);
            Assert.Equal(Private, status.Mode);
        }
    }

    [RequiresFact("runuser", Root = true, OtherUser = true, Timeout = 60_000)]
    public async Task A_fallback_folder_another_user_made_first_is_refused_with_its_path()
    {
        var folders = WithoutSession();
        await AsTestUserAsync("mkdir", "-m", "0700", "--", folders.Base);

        var error = Assert.Throws<DisklessException>(() => folders.EnsureMachineFolder("0123456789ab"));

        Assert.Contains(folders.Base, error.Message, StringComparison.Ordinal);
        Assert.Contains($"belongs to uid {TestUser.Uid()}", error.Message, StringComparison.Ordinal);
        Assert.Contains("rm -rf", error.Hint, StringComparison.Ordinal);
        Assert.Equal([folders.Base], Directory.EnumerateFileSystemEntries(_tmp));
        Assert.Equal(TestUser.Uid(), (int)FileStatus.Read(folders.Base)!.Uid);
    }

    [RequiresFact("runuser", Root = true, OtherUser = true, Timeout = 60_000)]
    public async Task A_session_folder_of_another_user_is_refused_before_anything_is_made_in_it()
    {
        var session = Path.Combine(_tmp, "session");
        await AsTestUserAsync("mkdir", "-m", "0700", "--", session);

        var error = Assert.Throws<DisklessException>(() => WithSession(session).EnsureBase());

        Assert.Contains($"XDG_RUNTIME_DIR ({session})", error.Message, StringComparison.Ordinal);
        Assert.Contains($"belongs to uid {TestUser.Uid()}", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(session, "diskless")));
    }

    [Fact]
    public void A_session_folder_others_may_write_in_is_refused()
    {
        var session = Directory.CreateDirectory(Path.Combine(_tmp, "session")).FullName;
        File.SetUnixFileMode(session, Private | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var error = Assert.Throws<DisklessException>(() => WithSession(session).EnsureBase());

        Assert.Contains("others may write in it (mode 0703)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(session, "diskless")));
    }

    [Fact]
    public void A_link_at_the_runtime_base_is_refused_with_its_path_and_its_target_is_left_alone()
    {
        var target = Directory.CreateDirectory(Path.Combine(_tmp, "elsewhere")).FullName;
        File.SetUnixFileMode(target, Private);
        var folders = WithoutSession();
        File.CreateSymbolicLink(folders.Base, target);

        var error = Assert.Throws<DisklessException>(() => folders.EnsureMachineFolder("0123456789ab"));

        Assert.Contains(folders.Base, error.Message, StringComparison.Ordinal);
        Assert.Contains("a link or a file", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public void A_link_in_place_of_a_machine_folder_is_refused()
    {
        var folders = WithoutSession();
        folders.EnsureBase();
        var target = Directory.CreateDirectory(Path.Combine(_tmp, "elsewhere")).FullName;
        File.CreateSymbolicLink(folders.MachineFolder("0123456789ab"), target);

        var error = Assert.Throws<DisklessException>(() => folders.EnsureMachineFolder("0123456789ab"));

        Assert.Contains(folders.MachineFolder("0123456789ab"), error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("chown", Root = true, OtherUser = true, Timeout = 60_000)]
    public async Task A_folder_of_ones_own_that_others_may_read_is_made_private_again_and_only_root_keeps_search()
    {
        // Nobody else could have put anything in it (no write bit), only listed it: fixed, not refused. Root keeps
        // search, which its namespaced machines add so guest root may pass to its own 0700 folder; an ordinary user's
        // holds an open guest folder and socket, so others may not even pass.
        var roots = Directory.CreateDirectory(Path.Combine(_tmp, "roots")).FullName;
        var users = Directory.CreateDirectory(Path.Combine(_tmp, "users")).FullName;
        var user = TestUser.Uid()!.Value;
        File.SetUnixFileMode(roots, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(users, (UnixFileMode)0b111_101_101);
        await RunAsync(["chown", user.ToString(System.Globalization.CultureInfo.InvariantCulture), users]);

        RuntimeFolders.EnsurePrivate(roots, owner: 0);
        RuntimeFolders.EnsurePrivate(users, owner: user);

        Assert.Equal((UnixFileMode)0b111_001_001, FileStatus.Read(roots)!.Mode);
        Assert.Equal(Private, FileStatus.Read(users)!.Mode);
        Assert.Equal(user, (int)FileStatus.Read(users)!.Uid);
    }

    [Fact]
    public void A_folder_of_ones_own_that_others_may_write_in_is_refused()
    {
        // Someone else may already have swapped a socket or a machine folder inside it for their own.
        var folders = WithoutSession();
        Directory.CreateDirectory(folders.Base);
        File.SetUnixFileMode(folders.Base, (UnixFileMode)0b111_111_111);

        var error = Assert.Throws<DisklessException>(() => folders.EnsureBase());

        Assert.Contains($"{folders.Base} is not safe", error.Message, StringComparison.Ordinal);
        Assert.Contains("others may write in it (mode 0777)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parent_others_may_write_in_without_the_sticky_bit_is_refused()
    {
        // Anyone could rename the folder away and put their own in its place.
        File.SetUnixFileMode(_tmp, (UnixFileMode)0b111_111_111);

        var error = Assert.Throws<DisklessException>(() => WithoutSession().EnsureBase());

        Assert.Contains($"lies in {_tmp}, which others may write in", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_tmp));
    }

    private static Task AsTestUserAsync(string program, params string[] arguments) => RunAsync(TestUser.Run(program, arguments));

    private static async Task RunAsync(string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]);
        foreach (var word in argv.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
