using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>
/// <c>global-status</c> against real machines: the scenario's running one and a second project brought up beside it
/// (the one extra boot: a halted machine is one that ran), asked from a third folder that holds no Disklessfile.
/// </summary>
internal sealed class GlobalStatusScenario(MachineFixture machine, ITestOutputHelper output)
{
    private const string SecondName = "e2e-second";

    public async Task RunAsync()
    {
        var second = Directory.CreateTempSubdirectory("diskless-e2e-second-").FullName;
        var third = Directory.CreateTempSubdirectory("diskless-e2e-third-").FullName;
        string? secondId = null;
        var secondPort = MachineFixture.FreePort();
        var listened = MachineFixture.FreePort();
        try
        {
            // A port the first machine's guest listens on: the agent forwards it, and global-status shows it as status does.
            var listen = await machine.SshAsync(PortsInGuest.Listen("e2e-global", listened, "global"));
            Assert.True(listen.ExitCode == 0, listen.ToString());
            Assert.NotNull(await PortsInGuest.WithinAsync(TimeSpan.FromSeconds(20), async () => await PortsInGuest.ReadAsync(listened) == "global"));

            // The quick start's project as root runs it: a root-owned checkout, synced whole to /project. Otherwise as
            // small as a machine gets: the scenario's cached base, no provisioner, nothing to trust.
            File.SetUnixFileMode(second, (UnixFileMode)0b111_101_101);
            await File.WriteAllTextAsync(Path.Combine(second, "Disklessfile"), $"""
                name = "{SecondName}"
                memory = "512MiB"

                [distro]
                name = "debian"
                release = "bookworm"

                [share]
                transport = "{machine.Transport}"

                [[synced_folders]]
                host = "."
                guest = "/project"

                [[ports]]
                host = {secondPort}
                guest = 8000
                """);
            var up = await DisklessProcess.RunAsync(second, TimeSpan.FromMinutes(10), "up");
            output.WriteLine(up.ToString());
            Assert.True(up.ExitCode == 0, up.ToString());
            await TheRootOwnedProjectIsTheGuestUsersAsync(second, up);

            var both = await GlobalStatusAsync(third);
            var first = Row(both, machine.ProjectDirectory, machine.Name);
            var running = Row(both, second, SecondName);
            secondId = running.GetProperty("id").GetString()!;
            Assert.Equal("running", first.GetProperty("state").GetString());
            Assert.False(first.GetProperty("orphan").GetBoolean());
            Assert.Equal(JsonValueKind.Null, first.GetProperty("remove").ValueKind);
            Assert.Equal("qemu", first.GetProperty("provider").GetString());
            Assert.Equal("127.0.0.1", first.GetProperty("ssh").GetProperty("host").GetString());
            Assert.InRange(first.GetProperty("ssh").GetProperty("port").GetInt32(), 1, 65535);
            Assert.Contains(first.GetProperty("ports").EnumerateArray(), p => p.GetProperty("host").GetInt32() == machine.HttpPort && p.GetProperty("guest").GetInt32() == 80
                && p.GetProperty("origin").GetString() == "disklessfile");
            Assert.Contains(first.GetProperty("ports").EnumerateArray(), p => p.GetProperty("host").GetInt32() == listened && p.GetProperty("guest").GetInt32() == listened
                && p.GetProperty("origin").GetString() == "auto");
            Assert.True(first.GetProperty("rootBytes").GetInt64() > 100L * 1024 * 1024, first.ToString());
            Assert.Equal("running", running.GetProperty("state").GetString());

            // QEMU killed under the machine, by the pid its state keeps: global-status asks the provider, nothing caches "running".
            var pid = await QemuPidAsync(second);
            using (var kill = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // The kernel takes a moment to reap it (a margin of ten over what it takes); global-status itself does not wait.
            for (var waited = 0; Directory.Exists($"/proc/{pid}") && waited < 300; waited++)
            {
                await Task.Delay(100);
            }

            var crashed = Row(await GlobalStatusAsync(third), second, SecondName);
            Assert.Equal("crashed", crashed.GetProperty("state").GetString());
            Assert.Contains("exited unexpectedly", crashed.GetProperty("detail").GetString(), StringComparison.Ordinal);

            var halt = await DisklessProcess.RunAsync(second, TimeSpan.FromMinutes(3), "halt");
            Assert.True(halt.ExitCode == 0, halt.ToString());
            var halted = await GlobalStatusAsync(third);
            Assert.Equal("stopped", Row(halted, second, SecondName).GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, Row(halted, second, SecondName).GetProperty("ssh").ValueKind);
            // Stopped, it forwards nothing: what is shown is what its Disklessfile would forward.
            Assert.Equal([(secondPort, 8000)], Row(halted, second, SecondName).GetProperty("ports").EnumerateArray().Select(p => (p.GetProperty("host").GetInt32(), p.GetProperty("guest").GetInt32())));
            Assert.Equal("running", Row(halted, machine.ProjectDirectory, machine.Name).GetProperty("state").GetString());
            var table = await DisklessProcess.RunAsync(third, TimeSpan.FromMinutes(2), "global-status");
            output.WriteLine(table.ToString());
            Assert.Matches($@"(?m)^{machine.Name}\s+[0-9a-f]{{12}}\s+running\s+qemu\s", table.Stdout);
            Assert.Matches($@"(?m)^{SecondName}\s+{secondId}\s+stopped\s+qemu\s", table.Stdout);

            // The project folder deleted: the machine is an orphan, and the command shown removes it and all it kept.
            var rootPath = Row(halted, second, SecondName).GetProperty("rootPath").GetString()!;
            var state = StateFolders.Project(second);
            Directory.Delete(second, recursive: true);
            var orphan = Row(await GlobalStatusAsync(third), second, SecondName);
            Assert.True(orphan.GetProperty("orphan").GetBoolean());
            Assert.Equal("stopped", orphan.GetProperty("state").GetString());
            var remove = orphan.GetProperty("remove").GetString()!;
            Assert.Equal($"diskless destroy --force --orphan {secondId}", remove);
            var removed = await DisklessProcess.RunAsync(third, TimeSpan.FromMinutes(3), [.. remove.Split(' ').Skip(1)]);
            output.WriteLine(removed.ToString());
            Assert.True(removed.ExitCode == 0, removed.ToString());
            Assert.False(Directory.Exists(rootPath));
            Assert.False(Directory.Exists(state));
            var after = await GlobalStatusAsync(third);
            Assert.DoesNotContain(after.EnumerateArray(), m => m.GetProperty("id").GetString() == secondId);
            Assert.Equal("running", Row(after, machine.ProjectDirectory, machine.Name).GetProperty("state").GetString());
            secondId = null;
        }
        finally
        {
            await machine.SshAsync(PortsInGuest.StopListening("e2e-global"));

            // Whatever failed, the second machine goes: from its project, or as the orphan it became.
            if (File.Exists(Path.Combine(second, "Disklessfile")))
            {
                await DisklessProcess.RunAsync(second, TimeSpan.FromMinutes(3), "destroy", "--force");
            }
            else if (secondId is not null)
            {
                await DisklessProcess.RunAsync(third, TimeSpan.FromMinutes(3), "destroy", "--force", "--orphan", secondId);
            }

            if (Directory.Exists(second))
            {
                Directory.Delete(second, recursive: true);
            }

            Directory.Delete(third, recursive: true);
        }
    }

    /// <summary>
    /// The quick start run by root on a root-owned checkout: the guest's user and guest root (sudo) write the project, up
    /// warned of nothing, what they wrote is the owner's to use on the host, and no set-id bit they try gets there.
    /// </summary>
    private async Task TheRootOwnedProjectIsTheGuestUsersAsync(string project, CliRun up)
    {
        Assert.Equal(0, Diskless.Cli.Isolation.FileStatus.Read(project, followLinks: false)!.Uid);
        Assert.DoesNotContain("nobody in the guest", up.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("could not be idmapped", up.ToString(), StringComparison.Ordinal);
        var run = await DisklessProcess.RunAsync(
            project,
            TimeSpan.FromMinutes(2),
            "ssh",
            "-c",
            "stat -c %u /project/Disklessfile; echo user > /project/by-user && echo user-wrote; "
            + "sudo -n sh -c 'echo root > /project/by-root && echo root-wrote; "
            + "chmod u+s /project/by-root 2>&1 | grep -q \"Operation not permitted\" && echo root-suid-refused'; "
            + "chmod u+s /project/by-user 2>&1 | grep -q 'Operation not permitted' && echo user-suid-refused");
        output.WriteLine(run.ToString());
        Assert.Equal("1000\nuser-wrote\nroot-wrote\nroot-suid-refused\nuser-suid-refused\n", run.Stdout);

        // On the host: the guest user's file is the owner's (root's), guest root's a subordinate id's; neither is set-id,
        // and the owner reads and deletes both.
        var byUser = Path.Combine(project, "by-user");
        var byRoot = Path.Combine(project, "by-root");
        Assert.Equal(0, Diskless.Cli.Isolation.FileStatus.Read(byUser, followLinks: false)!.Uid);
        Assert.NotEqual(0, Diskless.Cli.Isolation.FileStatus.Read(byRoot, followLinks: false)!.Uid);
        foreach (var (path, text) in new[] { (byUser, "user\n"), (byRoot, "root\n") })
        {
            Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(path) & (UnixFileMode.SetUser | UnixFileMode.SetGroup));
            Assert.Equal(text, await File.ReadAllTextAsync(path));
            File.Delete(path);
        }
    }

    private async Task<JsonElement> GlobalStatusAsync(string folder)
    {
        var run = await DisklessProcess.RunAsync(folder, TimeSpan.FromMinutes(2), "global-status", "--json");
        output.WriteLine($"global-status took {run.Duration.TotalSeconds:F2}s");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        return document.RootElement.GetProperty("machines").Clone();
    }

    private static JsonElement Row(JsonElement machines, string project, string name) =>
        Assert.Single(machines.EnumerateArray(), m => m.GetProperty("project").GetString() == project && m.GetProperty("name").GetString() == name);

    private static async Task<int> QemuPidAsync(string project)
    {
        var record = await File.ReadAllTextAsync(Path.Combine(StateFolders.Machine(project, SecondName), "machine.json"));
        using var document = JsonDocument.Parse(record);
        return int.Parse(document.RootElement.GetProperty("providerData").GetProperty("qemuPid").GetString()!, CultureInfo.InvariantCulture);
    }
}
