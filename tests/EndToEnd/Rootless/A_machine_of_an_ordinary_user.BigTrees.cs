using System.Globalization;

namespace Diskless.EndToEnd.Rootless;

/// <summary>Trees far past the host's open-file limit, in a synced folder and in the guest's own root.</summary>
public sealed partial class A_machine_of_an_ordinary_user
{
    // The C virtiofsd serves each synced folder, and the guest's /home apart from the rest of its root, with a zero
    // timeout: the guest's kernel forgets each inode at its last use, so what those virtiofsds hold is bounded by what
    // the guest uses, not by what it walked, with no race. The rest of the root keeps long timeouts (a zero one made the
    // boot 2.5 times as long) and only the guest's polling reclaim bounds it: with the guest's tree in its home (on the
    // /home share) the root's virtiofsd serves none of it. At this test's limit of 2,000 the guest's 5,000-file tree in
    // the root's own /home once won that race even at a 10 Hz poll (6 EMFILE in 20,000 stats).
    [Fact, Order(7)]
    public async Task Trees_past_the_open_file_limit_are_walked_twice_and_the_guest_stays_healthy()
    {
        machine.EnsureUp(output);
        const int Files = RootlessMachine.TreeFiles;
        // up said the limit is low for big trees, with the command that raises it.
        Assert.Contains($"may hold only {RootlessMachine.DescriptorLimit} open files", machine.FirstUp!.Stdout + machine.FirstUp.Stderr, StringComparison.Ordinal);
        Assert.Contains("/etc/security/limits.d/", machine.FirstUp.Stdout + machine.FirstUp.Stderr, StringComparison.Ordinal);

        // The guest's home is its own share, not the root's.
        var mounts = await machine.SshAsync("findmnt -n -o SOURCE,FSTYPE /home; findmnt -n -o SOURCE,FSTYPE /");
        output.WriteLine(mounts.ToString());
        Assert.Equal("home   virtiofs\nrootfs virtiofs\n", mounts.Stdout);

        // The guest's own tree, made by the guest (bash builtins: no process per file), 250 to a folder.
        var make = await machine.RunAsync(
            TimeSpan.FromMinutes(30),
            "ssh",
            "-c",
            $"set -e; for i in $(seq 0 {Files - 1}); do d=~/bigtree/d$((i / 250)); [ -d $d ] || mkdir -p $d; echo x > $d/f$i; done; echo made");
        output.WriteLine(make.ToString());
        Assert.True(make.ExitCode == 0 && make.Stdout.EndsWith("made\n", StringComparison.Ordinal), make.ToString());

        // The virtiofsd pids the host recorded, as status names them, with the limit they run under.
        // One per virtiofs share: the root, four synced folders and /home.
        var helpers = (await StatusAsync()).GetProperty("descriptors").EnumerateArray().ToList();
        Assert.Equal(6, helpers.Count);
        Assert.All(helpers, h => Assert.Equal(RootlessMachine.DescriptorLimit, h.GetProperty("limit").GetInt64()));
        var pids = helpers.Select(h => h.GetProperty("pid").GetInt32()).ToList();
        var sources = pids.ToDictionary(pid => pid, Source);
        output.WriteLine(string.Join("\n", sources.Select(s => $"virtiofsd {s.Key}: {s.Value}")));
        var home = Assert.Single(pids, pid => sources[pid].EndsWith("/root/home", StringComparison.Ordinal));
        var root = Assert.Single(pids, pid => sources[pid].EndsWith("/root", StringComparison.Ordinal));
        var project = Assert.Single(pids, pid => sources[pid] == machine.SyncedFolder);
        using var sampling = new CancellationTokenSource();
        var peak = Task.Run(() => PeakDescriptors(pids, sampling.Token));

        // Every file found, stat'ed and read, twice, in both trees.
        var walk = await machine.RunAsync(
            TimeSpan.FromMinutes(30),
            "ssh",
            "-c",
            "for pass in 1 2; do for d in ~/bigtree /project/bigtree; do " +
            "echo \"$pass $(find $d -type f -exec stat -c %s {} + | grep -c '^2$') $(find $d -type f -exec cat {} + | wc -c)\"; done; done");
        await sampling.CancelAsync();
        var (peaks, samples) = await peak;
        output.WriteLine(walk.ToString());
        output.WriteLine($"peak descriptors during the walks ({samples} samples, limit {RootlessMachine.DescriptorLimit}): "
            + $"root {peaks[root]}, /home {peaks[home]}, /project {peaks[project]}, busiest {peaks.Values.Max()}");
        Assert.Equal(0, walk.ExitCode);
        Assert.InRange(peaks.Values.Max(), 1, RootlessMachine.DescriptorLimit - 1);
        var expected = string.Concat(Enumerable.Range(1, 2).SelectMany(pass => Enumerable.Repeat($"{pass} {Files} {2 * Files}\n", 2)));
        Assert.Equal(expected, walk.Stdout);

        // Nothing of either tree is in use any more: the virtiofsds of /home and of the synced folder let go of what the
        // walks looked up (the root's serves the guest's running programs and its cache).
        var after = new[] { home, project }.Select(pid => Descendants(pid).Max(Descriptors)).ToList();
        output.WriteLine($"after the walks: /home {after[0]}, /project {after[1]} descriptors; root {Descendants(root).Max(Descriptors)}");
        Assert.All(after, open => Assert.InRange(open, 1, 100));

        // The guest is healthy: lookups in its root, sudo, and its reclaim service still running.
        var health = await machine.SshAsync("ls /usr/bin | wc -l; sudo -n true && echo sudo works; systemctl is-active diskless-fuse-reclaim");
        output.WriteLine(health.ToString());
        Assert.Equal(0, health.ExitCode);
        Assert.True(int.Parse(health.Stdout.Split('\n')[0], CultureInfo.InvariantCulture) > 100, health.Stdout);
        Assert.Contains("sudo works\nactive\n", health.Stdout, StringComparison.Ordinal);

        // status names what each virtiofsd holds against its limit (counted inside the machine's user namespace).
        var human = await machine.RunAsync(TimeSpan.FromSeconds(60), "status");
        output.WriteLine(human.Stdout);
        Assert.Matches($@"virtiofsd pid \d+: \d+ of {RootlessMachine.DescriptorLimit} descriptors", human.Stdout);
    }

    /// <summary>
    /// For each of <paramref name="pids"/>, the most descriptors any process under it (the C virtiofsd forks; its child
    /// serves) held, read by the test, as root, every 100 ms until cancelled.
    /// </summary>
    private static async Task<(Dictionary<int, int> Peaks, int Samples)> PeakDescriptors(IReadOnlyList<int> pids, CancellationToken cancellationToken)
    {
        var highest = pids.ToDictionary(pid => pid, _ => 0);
        var samples = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var pid in pids)
            {
                highest[pid] = Math.Max(highest[pid], Descendants(pid).Max(Descriptors));
            }

            samples++;
            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return (highest, samples);
    }

    /// <summary>The folder the virtiofsd under <paramref name="pid"/> serves (its source= option), read as root.</summary>
    private static string Source(int pid) =>
        Descendants(pid)
            .SelectMany(p =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{p}/cmdline").Split('\0');
                }
                catch (IOException)
                {
                    return [];
                }
            })
            .First(a => a.StartsWith("source=", StringComparison.Ordinal))["source=".Length..];

    /// <summary>The descriptors <paramref name="pid"/> holds, read as root; 0 once it is gone.</summary>
    private static int Descriptors(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        yield return pid;
        string children;
        try
        {
            children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)))
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
