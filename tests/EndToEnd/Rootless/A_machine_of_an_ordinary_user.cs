using System.Globalization;
using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd.Rootless;

/// <summary>
/// What an ordinary user — not root, no sudo, a uid other than the guest user's 1000 — gets from <c>diskless up</c> in
/// a project they own: a machine whose root is theirs through their subordinate range, whose guest user is them, and
/// of which no part runs as host root. One boot, asserted from every side; halt and destroy come last.
/// </summary>
[TestCaseOrderer(ByOrderAttribute.TypeName, ByOrderAttribute.AssemblyName)]
public sealed partial class A_machine_of_an_ordinary_user(RootlessMachine machine, ITestOutputHelper output) : IClassFixture<RootlessMachine>
{
    private static readonly ProcProcessTable Processes = new();

    [Fact, Order(1)]
    public async Task Up_builds_the_users_own_base_and_the_machine_root_belongs_to_the_users_range()
    {
        machine.EnsureUp(output);
        var status = await StatusAsync();
        var rootPath = status.GetProperty("rootPath").GetString()!;
        var subuid = TestUserDiskless.RangeStart("/etc/subuid");
        var subgid = TestUserDiskless.RangeStart("/etc/subgid");

        Assert.StartsWith(TestUserDiskless.DataDirectory + "/", rootPath, StringComparison.Ordinal);
        Assert.Equal(subuid, Owner(rootPath).Uid);
        Assert.Equal((subuid, subgid), Owner(Path.Combine(rootPath, "etc/passwd")));
        // shadow's group is guest 42 (shadow): the whole map is in force, not just guest root.
        Assert.Equal((subuid, subgid + 42), Owner(Path.Combine(rootPath, "etc/shadow")));
        var bases = Path.Combine(TestUserDiskless.DataDirectory, "bases");
        // Bases of earlier package sets may still be in a kept test home: each is the user's range's.
        var debianBases = Directory.GetDirectories(bases).Where(d => Path.GetFileName(d).StartsWith("debian-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(debianBases);
        Assert.All(debianBases, b => Assert.Equal((subuid, subgid), Owner(Path.Combine(b, "etc/passwd"))));
    }

    [Fact, Order(2)]
    public async Task The_guest_user_is_the_host_user_and_guest_root_is_a_subordinate_id()
    {
        machine.EnsureUp(output);
        var (uid, gid) = TestUserDiskless.Ids();
        var rootPath = (await StatusAsync()).GetProperty("rootPath").GetString()!;

        var run = await machine.SshAsync(
            "id -u; cat /project/from-host.txt; echo from the guest > /project/from-guest.txt; mkdir /project/made-in-guest; "
            + "sudo -n sh -c 'echo by guest root > /guest-root-wrote'");

        output.WriteLine(run.ToString());
        Assert.Equal((0, "1000\nwritten by the user\n"), (run.ExitCode, run.Stdout));
        Assert.Equal((uid, gid), Owner(Path.Combine(machine.SyncedFolder, "from-guest.txt")));
        Assert.Equal((uid, gid), Owner(Path.Combine(machine.SyncedFolder, "made-in-guest")));
        Assert.Equal("from the guest\n", await File.ReadAllTextAsync(Path.Combine(machine.SyncedFolder, "from-guest.txt")));
        Assert.Equal(
            (TestUserDiskless.RangeStart("/etc/subuid"), TestUserDiskless.RangeStart("/etc/subgid")),
            Owner(Path.Combine(rootPath, "guest-root-wrote")));
    }

    [Fact, Order(3)]
    public void Up_said_that_the_root_owned_synced_folder_is_not_the_guest_users()
    {
        machine.EnsureUp(output);

        var said = machine.FirstUp!.Stdout + machine.FirstUp.Stderr;

        Assert.Contains($"the synced folder {machine.RootsFolder} belongs to host uid 0", said, StringComparison.Ordinal);
        Assert.Contains("cannot write to /roots", said, StringComparison.Ordinal);
        Assert.DoesNotContain($"the synced folder {machine.SyncedFolder} ", said, StringComparison.Ordinal);
    }

    [Fact, Order(4)]
    public async Task No_process_of_the_machine_runs_as_host_root()
    {
        machine.EnsureUp(output);
        var id = (await StatusAsync()).GetProperty("id").GetString()!;
        var (uid, _) = TestUserDiskless.Ids();
        var subuid = TestUserDiskless.RangeStart("/etc/subuid");

        var processes = LeftOverProcesses.Of(id).Select(pid => (Pid: pid, Command: Processes.CommandLine(pid) ?? "", Uids: Uids(pid))).ToList();

        output.WriteLine(string.Join('\n', processes.Select(p => $"{p.Pid} uids {string.Join(',', p.Uids)}: {p.Command}")));
        Assert.Contains(processes, p => p.Command.Contains("qemu-system", StringComparison.Ordinal));
        Assert.All(processes, p => Assert.All(p.Uids, u => Assert.True(u == uid || (u >= subuid && u < subuid + IdMap.GuestIdCount), $"pid {p.Pid} runs as host uid {u}: {p.Command}")));
    }

    /// <summary>
    /// The machine's virtiofsd run as a subordinate id, whose /proc/PID/fd the user may not read from the host's view:
    /// status counts them from inside the machine's user namespace, and its figures are what host root reads.
    /// </summary>
    [Fact, Order(8)]
    public async Task Status_counts_what_each_virtiofsd_holds_as_host_root_would()
    {
        machine.EnsureUp(output);
        var helpers = (await StatusAsync()).GetProperty("descriptors").EnumerateArray().ToList();
        output.WriteLine(string.Join('\n', helpers.Select(h => h.GetProperty("figure").GetString())));

        Assert.NotEmpty(helpers);
        foreach (var helper in helpers)
        {
            var pid = helper.GetProperty("pid").GetInt32();
            Assert.Equal(JsonValueKind.Number, helper.GetProperty("open").ValueKind);
            var counted = helper.GetProperty("open").GetInt32();
            var byRoot = Descriptors(pid);
            // An idle guest: what a virtiofsd holds moves by a few lookups between the two reads, not by hundreds.
            Assert.True(counted > 0 && Math.Abs(counted - byRoot) <= 50, $"virtiofsd pid {pid}: status counted {counted}, host root reads {byRoot}");
            Assert.Contains($" of {RootlessMachine.DescriptorLimit} descriptors", helper.GetProperty("figure").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact, Order(5)]
    public async Task Another_host_user_can_neither_list_nor_enter_the_users_machines_and_bases()
    {
        machine.EnsureUp(output);

        foreach (var folder in new[] { "machines", "bases", "projects" })
        {
            var path = Path.Combine(TestUserDiskless.DataDirectory, folder);
            var listing = await CliWrap.Cli.Wrap("runuser")
                .WithArguments(["-u", "nobody", "--", "ls", path])
                .WithValidation(CliWrap.CommandResultValidation.None)
                .RunWithTimeoutAsync();
            var entering = await CliWrap.Cli.Wrap("runuser")
                .WithArguments(["-u", "nobody", "--", "sh", "-c", $"cd {path}"])
                .WithValidation(CliWrap.CommandResultValidation.None)
                .RunWithTimeoutAsync();

            Assert.True(Directory.EnumerateFileSystemEntries(path).Any(), $"{path} is empty: the check below would prove nothing");
            Assert.NotEqual(0, listing.ExitCode);
            Assert.Contains("Permission denied", listing.StandardError, StringComparison.Ordinal);
            Assert.NotEqual(0, entering.ExitCode);
        }
    }

    [Fact, Order(6)]
    public async Task No_setuid_bit_or_device_the_guest_makes_in_a_synced_folder_reaches_the_host_and_its_sudo_still_works()
    {
        machine.EnsureUp(output);
        var rootPath = (await StatusAsync()).GetProperty("rootPath").GetString()!;

        // The machine is the test user's; "nobody" is the other host user who reaches the project.
        await SetuidDoor.AssertShutAsync(command => machine.RunAsync(TimeSpan.FromMinutes(6), "ssh", "-c", command), machine.SyncedFolder, rootPath, "nobody", output);
    }

    [Fact, Order(10)]
    public async Task A_guest_plants_links_and_a_forged_record_where_earlier_versions_kept_the_machines_state()
    {
        machine.EnsureUp(output);

        var plant = await machine.SshAsync(PlantedState.Script("/workspace", "e2e-user", machine.Canary));

        output.WriteLine(plant.ToString());
        Assert.Equal(0, plant.ExitCode);
        PlantedState.AssertSteeredNothing(machine.ProjectDirectory, "e2e-user", machine.Canary, MachineFixture.CanaryText);
    }

    [Fact, Order(100)]
    public async Task Halt_stops_every_process_and_destroy_as_the_user_leaves_nothing()
    {
        machine.EnsureUp(output);
        var status = await StatusAsync();
        var id = status.GetProperty("id").GetString()!;
        var rootPath = status.GetProperty("rootPath").GetString()!;

        var sshConfig = await machine.RunAsync(TimeSpan.FromSeconds(60), "ssh-config");
        Assert.True(sshConfig.ExitCode == 0, sshConfig.ToString());
        Assert.DoesNotContain("ProxyCommand", sshConfig.Stdout, StringComparison.Ordinal);

        var halt = await machine.RunAsync(TimeSpan.FromMinutes(3), "halt");
        output.WriteLine(halt.ToString());
        Assert.Equal(0, halt.ExitCode);
        Assert.Empty(LeftOverProcesses.Mentioning(id));
        Assert.Equal("stopped", (await StatusAsync()).GetProperty("state").GetString());
        PlantedState.AssertSteeredNothing(machine.ProjectDirectory, "e2e-user", machine.Canary, MachineFixture.CanaryText);

        var destroy = await machine.RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        output.WriteLine(destroy.ToString());
        Assert.Equal(0, destroy.ExitCode);
        Assert.False(Directory.Exists(Path.GetDirectoryName(rootPath)), $"{Path.GetDirectoryName(rootPath)} is still there");
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(TestUserDiskless.DataDirectory, "machines")));
        Assert.Empty(LeftOverProcesses.Mentioning(id));
        Assert.Empty(LeftOverProcesses.Of(id));
        Assert.Equal("not created", (await StatusAsync()).GetProperty("state").GetString());
        PlantedState.AssertSteeredNothing(machine.ProjectDirectory, "e2e-user", machine.Canary, MachineFixture.CanaryText);
        Assert.False(File.Exists(GuestTraps.HostMark), "a program of the guest's root ran on the host");
        Assert.False(File.Exists(Path.Combine(machine.ProjectDirectory, GuestTraps.MarkName)), "a program of the guest's root ran where the user's files are in reach");

        // The user's files in the synced folder stay theirs.
        Assert.Equal(TestUserDiskless.Ids(), Owner(Path.Combine(machine.SyncedFolder, "from-guest.txt")));
    }

    private async Task<JsonElement> StatusAsync()
    {
        var run = await machine.RunAsync(TimeSpan.FromSeconds(60), "status", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        return document.RootElement.GetProperty("machines")[0].Clone();
    }

    private static (long Uid, long Gid) Owner(string path) =>
        FileStatus.Read(path, followLinks: false) is { } status ? (status.Uid, status.Gid) : throw new FileNotFoundException(path);

    // "Uid:\treal\teffective\tsaved\tfilesystem"
    private static long[] Uids(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return [.. line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(u => long.Parse(u, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
