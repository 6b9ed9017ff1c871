using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>The script that applies edits in the sandbox, as text: golden, and the facts its rules rest on.</summary>
public sealed class RootEditScriptTests
{
    private static readonly RootOwner Login = new(1000, 1000);

    private static readonly RootEdit[] Edits =
    [
        new WriteFileEdit("/etc/hostname", "box\n", (UnixFileMode)0b110_100_100),
        new CreateDirectoryEdit("/home/vagrant/.ssh", (UnixFileMode)0b111_000_000, Login),
        new WriteFileEdit("/home/vagrant/.ssh/authorized_keys", "key\n", (UnixFileMode)0b110_000_000, Login),
        new CopyFileEdit("/var/lib/diskless/keys/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key", (UnixFileMode)0b110_000_000),
        new CreateDirectoryEdit("/etc/skel", (UnixFileMode)0b111_101_101),
        new SymlinkEdit("/etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service"),
        new DeleteFileEdit("/etc/ssh/sshd_config.d/50-cloud-init.conf"),
        new WriteFileEdit("//usr/./local/bin/it's $(here)/", "x", UnixFileMode.SetUser | (UnixFileMode)0b111_101_101),
    ];

    [Fact]
    public void The_script_matches_the_golden_file() =>
        Golden.AssertText(RootEditScript.Build(Edits), "root-edit-script.sh");

    [RequiresFact("sh")]
    public async Task The_script_is_valid_sh()
    {
        var script = Path.Combine(Path.GetTempPath(), "diskless-root-edit-" + Guid.NewGuid().ToString("n") + ".sh");
        await File.WriteAllTextAsync(script, RootEditScript.Build(Edits));
        try
        {
            await new CliWrapCommandRunner(new RecordingProgress()).RunAsync(new CommandSpec("sh", "-n", script), CancellationToken.None);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public void Each_edit_is_announced_with_its_number_and_reads_its_own_staged_input()
    {
        var lines = RootEditScript.Build(Edits).Split('\n');

        Assert.Equal(Enumerable.Range(1, Edits.Length).Select(n => $"edit {n}"), lines.Where(l => l.StartsWith("edit ", StringComparison.Ordinal)));
        Assert.Equal("edit-3", RootEditScript.InputName(2));
        Assert.Equal([true, false, true, true, false, false, false, true], Edits.Select(RootEditScript.NeedsInput));
        Assert.Contains("put_file \"$in\"/edit-3 0600 /home/vagrant/.ssh/authorized_keys 1000:1000", lines);
        Assert.Contains("put_file \"$in\"/edit-4 0600 /etc/ssh/ssh_host_ed25519_key", lines);
        Assert.Contains("in=" + RootEditScript.InputFolder, lines);
    }

    [Fact]
    public void An_owners_path_is_checked_for_links_folder_by_folder_and_the_owned_folder_itself()
    {
        var lines = RootEditScript.Build([Edits[1], Edits[2]]).Split('\n');

        // The folder: every component; the file: its folders only (a link at the file itself is replaced, not followed).
        Assert.Equal(
            ["no_link /home", "no_link /home/vagrant", "no_link /home/vagrant/.ssh", "no_link /home", "no_link /home/vagrant", "no_link /home/vagrant/.ssh"],
            lines.Where(l => l.StartsWith("no_link /", StringComparison.Ordinal)));
        Assert.DoesNotContain("no_link /home/vagrant/.ssh/authorized_keys", lines);
        Assert.DoesNotContain(RootEditScript.Build([Edits[0], Edits[3], Edits[4]]).Split('\n'), l => l.StartsWith("no_link /", StringComparison.Ordinal));
    }

    [Fact]
    public void Paths_are_normalised_as_machine_root_reads_them_and_quoted()
    {
        var script = RootEditScript.Build([Edits[7]]);

        Assert.Contains("put_file \"$in\"/edit-1 4755 '/usr/local/bin/it'\\''s $(here)'\n", script, StringComparison.Ordinal);
        Assert.Equal("/a/b/../c", RootEditScript.Normalize("//a/./b/../c/"));
    }

    [Fact]
    public void The_exact_mode_is_set_after_the_owner_so_a_chown_cannot_clear_setuid()
    {
        var script = RootEditScript.Build([]);
        var putFile = script[script.IndexOf("put_file() {", StringComparison.Ordinal)..];
        putFile = putFile[..putFile.IndexOf("\n}", StringComparison.Ordinal)];

        Assert.True(putFile.IndexOf("chown -h", StringComparison.Ordinal) < putFile.IndexOf("chmod", StringComparison.Ordinal));
        Assert.Contains("umask 022", script, StringComparison.Ordinal);
        Assert.Contains("set -eu", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_that_cannot_be_applied_are_refused_before_anything_runs()
    {
        Assert.Throws<DisklessException>(() => RootEditScript.Build([new WriteFileEdit("/home/../etc/x", "", (UnixFileMode)0b110_100_100, Login)]));
        Assert.Throws<DisklessException>(() => RootEditScript.Build([new CreateDirectoryEdit("/home/vagrant/..", (UnixFileMode)0b111_101_101, Login)]));
        Assert.Throws<ArgumentException>(() => RootEditScript.Build([new WriteFileEdit("etc/x", "", (UnixFileMode)0b110_100_100)]));
        Assert.Throws<ArgumentException>(() => RootEditScript.Build([new SymlinkEdit("/", "/x")]));
        Assert.Throws<ArgumentException>(() => RootEditScript.Build([new DeleteFileEdit("relative")]));
    }
}
