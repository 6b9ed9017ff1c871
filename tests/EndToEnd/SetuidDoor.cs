using CliWrap;
using CliWrap.Buffered;
using Xunit.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>
/// The setuid door, tried from inside a running guest: its user and its root (sudo) try every way coreutils has to
/// leave a setuid or setgid file or a device node in the synced folder (/project). None may reach the host, ordinary
/// modes must still work, the guest's own sudo must still work (its root keeps setuid), and another host user who runs
/// the planted programs gets only themselves, while the machine's root, where the guest's setuid sudo lies, is out of
/// their reach.
/// </summary>
internal static class SetuidDoor
{
    /// <summary>
    /// Run by the guest's user in /project; prints a line for every attempt that succeeded. Each step notes itself in the
    /// folder's "steps" file and each refusal lands in its "errors" file, both read on the host; guest root's attempts
    /// share one sudo.
    /// </summary>
    public const string GuestScript =
        "d=/project/setuid-door; mkdir -p $d && cd $d || exit 9; "
        + "step() { echo \"$1\" >> steps; }; "
        + "step user; cp /usr/bin/id user-id; "
        + "chmod u+s user-id 2>>errors && echo 'user: chmod u+s took'; "
        + "chmod g+s user-id 2>>errors && echo 'user: chmod g+s took'; "
        + "install -m 4755 /usr/bin/id user-install 2>>errors && echo 'user: install -m 4755 took'; "
        + "step root; sudo -n sh -c '"
        + "echo chmod >> steps; cp /usr/bin/id root-id; "
        + "chmod 4755 root-id 2>>errors && echo \"root: chmod 4755 took\"; "
        + "chmod g+s root-id 2>>errors && echo \"root: chmod g+s took\"; "
        + "echo install >> steps; install -m 6755 /usr/bin/id root-install 2>>errors && echo \"root: install -m 6755 took\"; "
        + "echo cp-a >> steps; cp -a /usr/bin/sudo root-sudo 2>>errors && echo \"root: cp -a kept the bit of sudo\"; "
        + "echo mkdir >> steps; mkdir -m 2775 root-dir 2>>errors && echo \"root: mkdir -m 2775 took\"; "
        + "echo mknod >> steps; mknod root-null c 1 3 2>>errors && echo \"root: mknod c 1 3 took\"; "
        + "true'; "
        + "step ordinary; chmod 0644 user-id && chmod +x user-id && echo ordinary-chmod-ok; stat -c %a user-id; "
        + "step sudo; sudo -n true && echo sudo-ok; stat -c %a /usr/bin/sudo; step done";

    /// <summary>What <see cref="GuestScript"/> prints when the door is shut and the guest works as before.</summary>
    public const string Expected = "ordinary-chmod-ok\n755\nsudo-ok\n4755\n";

    public static async Task AssertShutAsync(Func<string, Task<CliRun>> ssh, string syncedFolder, string rootPath, string otherUser, ITestOutputHelper output)
    {
        var folder = Path.Combine(syncedFolder, "setuid-door");
        var run = await ssh(GuestScript);
        output.WriteLine(run.ToString());
        var steps = Path.Combine(folder, "steps");
        Assert.True(Expected == run.Stdout, $"{run}\nsteps: {(File.Exists(steps) ? File.ReadAllText(steps).ReplaceLineEndings(" ") : "none")}");

        // Every step ran, and each of the nine attempts was refused with EPERM (not skipped, nor failed for another reason).
        Assert.Equal("user\nroot\nchmod\ninstall\ncp-a\nmkdir\nmknod\nordinary\nsudo\ndone\n", await File.ReadAllTextAsync(steps));
        var errors = (await File.ReadAllLinesAsync(Path.Combine(folder, "errors"))).Where(l => l.Length > 0).ToList();
        output.WriteLine(string.Join('\n', errors));
        Assert.All(errors, e => Assert.Contains("Operation not permitted", e, StringComparison.Ordinal));
        Assert.Equal(
            ["chmod", "chmod", "install", "chmod", "chmod", "install", "cp", "mkdir", "mknod"],
            errors.Select(e => e.Split(':')[0]));

        // Nothing with a set-id bit and no device node reached the host's folder.
        var found = await CliWrap.Cli.Wrap("find").WithArguments([folder, "(", "-perm", "/6000", "-o", "-type", "b", "-o", "-type", "c", ")", "-print"]).ExecuteBufferedAsync();
        Assert.Equal("", found.StandardOutput);
        Assert.True(File.Exists(Path.Combine(folder, "root-id")) && File.Exists(Path.Combine(folder, "user-id")), "the planted programs are missing");

        // Another host user who reaches the folder and runs them is still only themselves.
        var otherUid = (await CliWrap.Cli.Wrap("id").WithArguments(["-u", otherUser]).ExecuteBufferedAsync()).StandardOutput.Trim();
        foreach (var planted in new[] { "root-id", "user-id" })
        {
            var ran = await CliWrap.Cli.Wrap("runuser").WithArguments(["-u", otherUser, "--", Path.Combine(folder, planted), "-u"])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Assert.Equal((0, otherUid), (ran.ExitCode, ran.StandardOutput.Trim()));
        }

        // The machine's root keeps the guest's setuid sudo, which no other host user can reach (machines/ is 0700).
        var sudo = Path.Combine(rootPath, "usr", "bin", "sudo");
        Assert.Equal(UnixFileMode.SetUser, File.GetUnixFileMode(sudo) & UnixFileMode.SetUser);
        var reach = await CliWrap.Cli.Wrap("runuser").WithArguments(["-u", otherUser, "--", sudo, "-n", "true"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        output.WriteLine($"{otherUser} running {sudo}: exit {reach.ExitCode}: {reach.StandardError}");
        Assert.NotEqual(0, reach.ExitCode);
        Assert.Contains("Permission denied", reach.StandardError, StringComparison.Ordinal);
    }
}
