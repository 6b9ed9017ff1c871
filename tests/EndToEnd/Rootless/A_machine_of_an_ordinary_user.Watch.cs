using System.Diagnostics;
using Diskless.Testing;

namespace Diskless.EndToEnd.Rootless;

/// <summary>
/// Host edits reach the guest's watchers (the agent's watch job): each host operation is followed by one guest command
/// that waits, up to ten times the one-second bound, for the event in `inotifywait -m -r`'s log.
/// </summary>
public sealed partial class A_machine_of_an_ordinary_user
{
    private const string Events = "/tmp/e2e-watch-events";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact, Order(20)]
    public async Task Host_edits_are_heard_by_inotifywait_and_entr_in_the_guest_and_guest_writes_do_not_echo()
    {
        machine.EnsureUp(output);
        // The guest loop runs (past its first walk of the folders) once a host edit is heard: the folder made next is one
        // it learns of only from the host, as in a long-running machine. The host writes until the guest hears one.
        var probe = machine.SshAsync("timeout 100 inotifywait -q -e modify /project/from-host.txt");
        while (!probe.IsCompleted)
        {
            await HostAsync("echo 'written by the user' > shared/from-host.txt");
            await Task.WhenAny(probe, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        Assert.True((await probe).ExitCode == 0, (await probe).ToString());
        await HostAsync("mkdir -p shared/watched && echo one > shared/watched/a.txt && echo old > shared/watched/old.txt && echo bye > shared/watched/gone.txt && echo u > unwatched/u.txt");
        var start = await machine.SshAsync(
            $"rm -f {Events} /tmp/e2e-entr; "
            + $"setsid nohup inotifywait -m -r -e modify,attrib,close_write,create,delete,moved_from,moved_to --format '%e %w%f' /project/watched /unwatched >{Events} 2>&1 </dev/null & "
            + "cd /project/watched && (echo /project/watched/a.txt | setsid entr -n -p sh -c 'cat a.txt >> /tmp/e2e-entr' >/tmp/e2e-entr.out 2>&1 &) ; "
            + $"timeout 60 sh -c 'until grep -q \"Watches established\" {Events}; do sleep 0.1; done'; sleep 1");
        Assert.True(start.ExitCode == 0, start.ToString());

        // Modified: the file's own event, and the guest reads the new content once it hears it.
        var modified = await HostThenGuestAsync("echo two > shared/watched/a.txt", "MODIFY /project/watched/a.txt", "cat /project/watched/a.txt");
        Assert.EndsWith("two\n", modified, StringComparison.Ordinal);

        // The watcher reran on that edit, and read the new content.
        var entr = await machine.SshAsync($"timeout {Bound.TotalSeconds} sh -c 'until grep -qs two /tmp/e2e-entr; do sleep 0.05; done'; cat /tmp/e2e-entr /tmp/e2e-entr.out");
        Assert.True(entr.ExitCode == 0 && entr.Stdout.Contains("two", StringComparison.Ordinal), entr.ToString());

        // Created: the new file's own event.
        await HostThenGuestAsync("echo new > shared/watched/new.txt", "/project/watched/new.txt", "cat /project/watched/new.txt");

        // Deleted: the folder's event (the file is gone: no operation in the guest can name it).
        await HostThenGuestAsync("rm shared/watched/gone.txt", "MODIFY,ISDIR /project/watched/", "test ! -e /project/watched/gone.txt");

        // Renamed: the new name's own event, and the old name is gone in the guest.
        await HostThenGuestAsync("mv shared/watched/old.txt shared/watched/renamed.txt", "/project/watched/renamed.txt", "test ! -e /project/watched/old.txt && cat /project/watched/renamed.txt");

        // watch = false: an edit there makes no event, while one made with it in a watched folder is heard.
        await HostThenGuestAsync("echo changed > unwatched/u.txt && echo three > shared/watched/a.txt", "CLOSE_WRITE,CLOSE /project/watched/a.txt", "true");
        var log = await GuestEventsAsync();
        Assert.DoesNotContain(log, l => l.Contains("/unwatched", StringComparison.Ordinal));

        // A guest write is heard once, as the guest made it, and does not come back from the host.
        var write = await machine.SshAsync("echo guest > /project/watched/guest.txt");
        Assert.Equal(0, write.ExitCode);
        var quietFrom = (await GuestEventsAsync()).Count;
        await HostThenGuestAsync("echo sentinel > shared/watched/sentinel.txt", "CLOSE_WRITE,CLOSE /project/watched/sentinel.txt", "true");
        log = await GuestEventsAsync();
        Assert.Equal(["CREATE", "MODIFY", "CLOSE_WRITE,CLOSE"], log.Where(l => l.EndsWith(" /project/watched/guest.txt", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]));

        // No storm on a quiet folder: after the sentinel, nothing else comes, as a second sentinel shows.
        var afterSentinel = log.Count;
        await HostThenGuestAsync("echo again > shared/watched/sentinel2.txt", "CLOSE_WRITE,CLOSE /project/watched/sentinel2.txt", "true");
        log = await GuestEventsAsync();
        output.WriteLine(string.Join("\n", log));
        // One folder event (a hidden name made and removed, the folder's own MODIFY) is the most the new file adds beside its own.
        Assert.True(log.Skip(afterSentinel).Count(l => !l.Contains("sentinel2.txt", StringComparison.Ordinal)) <= 4, "events besides the second sentinel's");
        Assert.True(log.Count - quietFrom < 40, $"{log.Count - quietFrom} events for two files");
    }

    /// <summary>Runs <paramref name="hostCommand"/> in the project as the user, then waits in the guest for an event line containing <paramref name="expected"/>; returns what <paramref name="then"/> printed.</summary>
    private async Task<string> HostThenGuestAsync(string hostCommand, string expected, string then)
    {
        var before = (await GuestEventsAsync()).Count(l => l.Contains(expected, StringComparison.Ordinal));
        await HostAsync(hostCommand);
        var clock = Stopwatch.StartNew();
        var wait = await machine.SshAsync(
            $"timeout {Bound.TotalSeconds} sh -c 'until [ $(grep -cF \"{expected}\" {Events}) -gt {before} ]; do sleep 0.05; done' || {{ echo 'no event {expected}'; cat {Events}; exit 1; }}; {then}");
        output.WriteLine($"{hostCommand}: {expected} heard ({clock.Elapsed.TotalSeconds:F1}s, SSH included)");
        Assert.True(wait.ExitCode == 0, wait.ToString());
        return wait.Stdout;
    }

    private async Task HostAsync(string command)
    {
        var run = await DisklessProcess.RunProgramAsync(
            "runuser", ["-u", TestUser.Name, "--", "sh", "-c", command], machine.ProjectDirectory, TimeSpan.FromSeconds(30), new Dictionary<string, string?>());
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private async Task<List<string>> GuestEventsAsync()
    {
        var run = await machine.SshAsync($"grep -v -e '^Setting up' -e '^Watches established' {Events}");
        return [.. run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
