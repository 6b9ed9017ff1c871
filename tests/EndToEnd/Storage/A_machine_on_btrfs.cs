using System.Security.Cryptography;
using System.Text.Json;
using Xunit.Abstractions;

namespace Diskless.EndToEnd.Storage;

/// <summary>
/// Host-side storage against one real boot: a root that is a btrfs snapshot of its base with a quota, a snapshot saved
/// while the guest runs and writes, the figures du reports for what the guest wrote, a restore (which halts the
/// machine with --force) checked file by file, and destroy and prune.
/// </summary>
[TestCaseOrderer(ByOrderAttribute.TypeName, ByOrderAttribute.AssemblyName)]
public sealed class A_machine_on_btrfs(MachineOnBtrfs machine, ITestOutputHelper output) : IClassFixture<MachineOnBtrfs>
{
    private const long MiB = 1024 * 1024;

    [Fact, Order(1)]
    public async Task Its_root_is_a_btrfs_snapshot_of_the_base_with_its_size_as_a_quota()
    {
        machine.EnsureUp(output);

        var status = (await machine.JsonAsync("status", "--json")).GetProperty("machines")[0];
        var root = status.GetProperty("rootPath").GetString()!;
        var text = await machine.RunAsync(TimeSpan.FromMinutes(1), "status");

        Assert.Equal("btrfs snapshot", status.GetProperty("storage").GetString());
        Assert.Contains("(btrfs snapshot of its base)", text.Stdout, StringComparison.Ordinal);
        var show = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
            CliWrap.Cli.Wrap("btrfs").WithArguments(["qgroup", "show", "-re", "--raw", root]));
        output.WriteLine(show.StandardOutput);
        Assert.Contains((3L * 1024 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture), show.StandardOutput, StringComparison.Ordinal);
    }

    [Fact, Order(2)]
    public async Task A_snapshot_saved_while_the_guest_runs_holds_what_it_wrote_and_du_counts_it()
    {
        machine.EnsureUp(output);
        var write = await machine.SshAsync(
            "echo v1 | sudo tee /var/lib/e2e-state >/dev/null && sudo dd if=/dev/urandom of=/var/lib/e2e-blob bs=1M count=8 status=none && sudo sha256sum /var/lib/e2e-blob");
        Assert.True(write.ExitCode == 0, write.ToString());
        var blobHash = write.Stdout.Split(' ')[0];

        var save = await machine.RunAsync(TimeSpan.FromMinutes(3), "snapshot", "save", "s1");
        output.WriteLine(save.ToString());
        var change = await machine.SshAsync("echo v2 | sudo tee /var/lib/e2e-state >/dev/null && sudo rm /var/lib/e2e-blob && sync");
        var list = await machine.JsonAsync("snapshot", "list", "--json");
        var du = await machine.JsonAsync("du", "--json");
        output.WriteLine(du.ToString());

        Assert.True(save.ExitCode == 0, save.ToString());
        Assert.Contains("Flushing e2e-btrfs's writes (sync in the guest)", save.Stderr, StringComparison.Ordinal);
        Assert.Contains("Saved snapshot 's1' of e2e-btrfs (btrfs snapshot)", save.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, change.ExitCode);
        var snapshot = list.GetProperty("machines")[0].GetProperty("snapshots")[0];
        Assert.Equal("s1", snapshot.GetProperty("name").GetString());
        var m = du.GetProperty("machines")[0];
        var rootOwn = m.GetProperty("root").GetProperty("exclusiveBytes").GetInt64();
        var snapshotOwn = m.GetProperty("snapshots")[0].GetProperty("exclusiveBytes").GetInt64();
        // The 8 MiB blob lives only in the snapshot now; the root shares everything else with it and the base.
        Assert.InRange(snapshotOwn, 8 * MiB, 64 * MiB);
        Assert.True(rootOwn < 200 * MiB, $"the root holds {rootOwn} bytes of its own");
        Assert.True(m.GetProperty("root").GetProperty("bytes").GetInt64() > 500 * MiB);
        var baseUsage = du.GetProperty("bases").EnumerateArray().Single(b => b.GetProperty("key").GetString() == machine.BaseKey);
        Assert.Single(baseUsage.GetProperty("usedBy").EnumerateArray());
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "e2e-btrfs-blob.sha256"), blobHash);
    }

    [Fact, Order(3)]
    public async Task Restore_refuses_a_running_machine_and_with_force_halts_it_and_brings_back_every_byte()
    {
        machine.EnsureUp(output);
        var status = (await machine.JsonAsync("status", "--json")).GetProperty("machines")[0];
        var root = status.GetProperty("rootPath").GetString()!;
        var blobHash = await File.ReadAllTextAsync(Path.Combine(Path.GetTempPath(), "e2e-btrfs-blob.sha256"));

        var refused = await machine.RunAsync(TimeSpan.FromMinutes(1), "snapshot", "restore", "s1");
        var restored = await machine.RunAsync(TimeSpan.FromMinutes(5), "snapshot", "restore", "--force", "s1");
        output.WriteLine(restored.ToString());
        var after = (await machine.JsonAsync("status", "--json")).GetProperty("machines")[0];

        Assert.Equal(7, refused.ExitCode);
        Assert.Contains("is running", refused.Stderr, StringComparison.Ordinal);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Equal("stopped", after.GetProperty("state").GetString());
        Assert.Equal("v1\n", await File.ReadAllTextAsync(Path.Combine(root, "var/lib/e2e-state")));
        await using (var blob = File.OpenRead(Path.Combine(root, "var/lib/e2e-blob")))
        {
            Assert.Equal(blobHash, Convert.ToHexStringLower(await SHA256.HashDataAsync(blob)));
        }

        var quota = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
            CliWrap.Cli.Wrap("btrfs").WithArguments(["qgroup", "show", "-re", "--raw", root]));
        Assert.Contains((3L * 1024 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture), quota.StandardOutput, StringComparison.Ordinal);
    }

    [Fact, Order(4)]
    public async Task Destroy_asks_before_it_takes_the_snapshots_and_prune_then_removes_the_unused_base()
    {
        machine.EnsureUp(output);
        var status = (await machine.JsonAsync("status", "--json")).GetProperty("machines")[0];
        var machineFolder = Path.GetDirectoryName(status.GetProperty("rootPath").GetString()!)!;

        var refused = await machine.RunAsync(TimeSpan.FromMinutes(1), "destroy");
        var destroyed = await machine.RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        var prune = await machine.JsonAsync("prune", "--json");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("and its 1 snapshot(s) (s1)", refused.Stderr, StringComparison.Ordinal);
        Assert.True(destroyed.ExitCode == 0, destroyed.ToString());
        Assert.False(Directory.Exists(machineFolder));
        Assert.Equal(machine.BaseKey, prune.GetProperty("removed")[0].GetProperty("key").GetString());
        Assert.False(Directory.Exists(Path.Combine(machine.DataDirectory, "bases", machine.BaseKey!)));
    }
}
