using System.Diagnostics;
using System.Globalization;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// The planner's read-only virtiofsd command run for real on this host, with a stand-in where virtiofsd would be
/// exec'd: the folder is read-only inside, writable outside, and the stand-in keeps the pid and the command line the
/// launcher and the stopper look for.
/// </summary>
public sealed class ReadOnlyBindTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("diskless-ro-").FullName;
    private readonly RealHost _host;

    public ReadOnlyBindTests()
    {
        _host = new RealHost(Path.Combine(_tmp, "data"));
        Directory.CreateDirectory(Folder);
        Directory.CreateDirectory(Run);
    }

    private string Folder => Path.Combine(_tmp, "extra folder");

    private string Run => Path.Combine(_tmp, "run");

    private Share Share => new("share1", Folder, "/extra", ShareTransport.VirtioFs, ReadOnly: true);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [RequiresFact("unshare", "mount", Root = true, Timeout = 30000)]
    public async Task A_program_run_by_the_wrapper_gets_a_read_only_folder_that_stays_writable_outside()
    {
        var virtiofsd = new VirtiofsdInfo("/usr/lib/qemu/virtiofsd", VirtiofsdFlavour.LegacyC);
        var planned = VirtiofsdCommand.Build(Share, Path.Combine(Run, "vfs1.sock"), virtiofsd, Tools());
        var probe = Path.Combine(Folder, "probe");

        // The planner's argv to the letter, up to where virtiofsd is exec'd; touch in its place.
        var prefix = planned.Arguments.TakeWhile(a => a != virtiofsd.Path).ToList();
        Assert.Equal(planned.Arguments.Count - VirtiofsdArgs.Build(Share, Path.Combine(Run, "vfs1.sock"), virtiofsd.Flavour).Count - 1, prefix.Count);
        var touch = new CommandSpec(planned.FileName, [.. prefix, "/usr/bin/touch", probe]);

        var refused = await Assert.ThrowsAsync<CommandFailedException>(() => _host.Commands.RunAsync(touch, CancellationToken.None));

        Assert.Contains(refused.OutputTail, line => line.Contains("Read-only file system", StringComparison.Ordinal));
        Assert.False(File.Exists(probe), "the wrapped program wrote into the read-only folder");

        // Outside the wrapper's namespace the folder is as writable as before, and no mount of it was left behind.
        await File.WriteAllTextAsync(Path.Combine(Folder, "outside"), "host\n");
        Assert.DoesNotContain(ReadOnlyMountPoints("self"), m => m == Folder);
    }

    [RequiresFact("unshare", "mount", "setsid", "bwrap", Root = true, Timeout = 30000)]
    public async Task A_wrapped_helper_is_found_by_its_command_line_runs_filtered_and_goes_with_the_recorded_pid()
    {
        // A stand-in "virtiofsd": a script that waits, so its command line is "/bin/sh …/virtiofsd --socket-path=…".
        var standIn = Path.Combine(_tmp, "bin", "virtiofsd");
        Directory.CreateDirectory(Path.GetDirectoryName(standIn)!);
        await File.WriteAllTextAsync(standIn, "#!/bin/sh\nwhile :; do sleep 1; done\n");
        File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var command = VirtiofsdCommand.Build(Share, Path.Combine(Run, "vfs1.sock"), new VirtiofsdInfo(standIn, VirtiofsdFlavour.LegacyC), Tools());

        var pid = await _host.Commands.StartDetachedAsync(command, Path.Combine(_tmp, "virtiofsd-1.log"), CancellationToken.None);
        try
        {
            // Through unshare and the shells' execs the recorded pid becomes the setuid guard's bash, which waits for
            // bwrap, which stays as the stand-in's parent (it forks into its own mount namespace).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            int? child = null;
            while ((child = ChildRunning(ChildRunning(pid, "bwrap ") ?? -1, "/bin/sh " + standIn)) is null)
            {
                Assert.True(_host.Processes.IsAlive(pid), $"the wrapper exited: {await File.ReadAllTextAsync(Path.Combine(_tmp, "virtiofsd-1.log"))}");
                Assert.True(DateTime.UtcNow < deadline, $"pid {pid} never started the stand-in: {_host.Processes.CommandLine(pid)}");
                await Task.Delay(50);
            }

            Assert.StartsWith(SetuidGuard.Shell + " -c ", _host.Processes.CommandLine(pid), StringComparison.Ordinal);
            var bwrap = ChildRunning(pid, "bwrap ")!.Value;

            // The launcher's stale-helper lookup and the stopper's check (virtiofsd and the runtime folder in the command
            // line) name all three; the stand-in runs under a seccomp filter and sees its folder read-only, the host does not.
            Assert.Equal(new[] { pid, bwrap, child.Value }.Order(), _host.Processes.FindByCommandLine("virtiofsd", Run).Order());
            Assert.Contains("Seccomp:\t2", File.ReadAllText($"/proc/{child}/status"), StringComparison.Ordinal);
            Assert.Contains(Folder, ReadOnlyMountPoints(child.Value.ToString(CultureInfo.InvariantCulture)));
            Assert.DoesNotContain(ReadOnlyMountPoints("self"), m => m == Folder);

            // The stopper's SIGTERM to the recorded pid ends bwrap and the stand-in too (--die-with-parent).
            using var term = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            Assert.True(await _host.Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50), CancellationToken.None));
            Assert.True(await _host.Processes.WaitForExitAsync(child.Value, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50), CancellationToken.None));
        }
        finally
        {
            // The whole session setsid made for it, so the script's sleep goes too.
            using var kill = Process.Start("kill", ["-KILL", "--", "-" + pid.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
    }

    private static int? ChildRunning(int parent, string commandLinePrefix)
    {
        var children = $"/proc/{parent}/task/{parent}/children";
        if (parent <= 0 || !File.Exists(children))
        {
            return null;
        }

        foreach (var word in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var cmdline = $"/proc/{word}/cmdline";
            if (File.Exists(cmdline) && File.ReadAllText(cmdline).Replace('\0', ' ').StartsWith(commandLinePrefix, StringComparison.Ordinal))
            {
                return int.Parse(word, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private MountNamespaceTools Tools() =>
        QemuHostProbe.FindMountNamespaceTools(_host) ?? throw new InvalidOperationException("unshare or mount not found");

    /// <summary>The mount points that are read-only in <paramref name="process"/>'s mount namespace ("self" or a pid).</summary>
    private static List<string> ReadOnlyMountPoints(string process) =>
        File.ReadLines($"/proc/{process}/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields[5].Split(',').Contains("ro"))
            .Select(fields => Unescape(fields[4]))
            .ToList();

    // mountinfo escapes a space in a path as \040 (and tab, newline, backslash likewise).
    private static string Unescape(string field) =>
        System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
