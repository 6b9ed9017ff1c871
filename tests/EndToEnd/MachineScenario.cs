using CliWrap.Buffered;
using System.Diagnostics;
using System.Text.Json;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>
/// What a user does with a machine, asserted against one real boot per transport. The lifecycle test (halt, up
/// again, destroy) runs last.
/// </summary>
public abstract class MachineScenario<TFixture>(TFixture machine, ITestOutputHelper output)
    where TFixture : MachineFixture
{
    protected TFixture Machine => machine;

    protected ITestOutputHelper Output => output;

    [Fact, Order(1)]
    public async Task Up_boots_the_root_folder_over_the_chosen_transport_and_the_synced_folders_over_virtiofs()
    {
        machine.EnsureUp(output);

        var run = await machine.SshAsync($"cat /proc/cmdline; findmnt -no FSTYPE,SOURCE /; findmnt -no FSTYPE /project; findmnt -no FSTYPE {MachineFixture.ProjectInGuest}");

        output.WriteLine(run.ToString());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"rootfstype={machine.Transport}", run.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{machine.Transport}\s+rootfs\s*$", run.Stdout);
        // Under a 9p root too: the folders take the provider's default, virtiofs, whose setuid filter QEMU's 9p lacks.
        Assert.EndsWith("\nvirtiofs\nvirtiofs\n", run.Stdout, StringComparison.Ordinal);
    }

    /// <remarks>Under a 9p root as under a virtiofs one: the synced folders are virtiofsd's, behind its setuid filter.</remarks>
    [RequiresFact("runuser", OtherUser = true), Order(10)]
    public async Task No_setuid_bit_or_device_the_guest_makes_in_a_synced_folder_reaches_the_host_and_its_sudo_still_works()
    {
        Machine.EnsureUp(Output);
        var rootPath = (await StatusAsync()).GetProperty("rootPath").GetString()!;

        await SetuidDoor.AssertShutAsync(command => Machine.RunAsync(TimeSpan.FromMinutes(6), "ssh", "-c", command), Machine.SyncedFolder, rootPath, TestUser.Name, Output);
    }

    [Fact, Order(1)]
    public async Task Up_refused_the_untrusted_request_before_any_work_and_came_up_once_trusted()
    {
        machine.EnsureUp(output);
        var (untrusted, trust) = machine.Consent!.Value;
        output.WriteLine(untrusted.ToString());

        Assert.Equal(3, untrusted.ExitCode);
        Assert.Matches(@"Disklessfile:\d+:\d+: request: synced folder .* is outside the project folder", untrusted.Stderr);
        Assert.Contains("diskless trust", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, trust.ExitCode);
        var run = await machine.SshAsync("cat /outside/beyond.txt");
        Assert.Equal("outside the project\n", run.Stdout);
    }

    [Fact, Order(1)]
    public async Task The_guest_has_its_fixed_address_a_default_route_and_dns_without_a_network_daemon()
    {
        machine.EnsureUp(output);

        var run = await machine.SshAsync(
            "ip -4 -o addr show dev eth0 | awk '{print $4}'; ip route show default; grep ^nameserver /etc/resolv.conf; " +
            "systemctl is-active systemd-networkd.service; systemctl --failed --no-legend --plain | sed 's/^/failed: /'");

        output.WriteLine(run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("10.0.2.15/24", lines[0]);
        Assert.StartsWith("default via 10.0.2.2 dev eth0", lines[1], StringComparison.Ordinal);
        Assert.Equal("nameserver 10.0.2.3", lines[2]);
        Assert.Equal("inactive", lines[3]);
        // Masked units and generators must not leave anything failed behind.
        Assert.Equal(4, lines.Length);
    }

    [Fact, Order(2)]
    public async Task Provisioners_ran_once_in_order()
    {
        machine.EnsureUp(output);

        var run = await machine.SshAsync("cat /var/log/provision-count; cat /srv/www/index.html");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"provisioned\nhello over {machine.Transport}\n", run.Stdout);
        Assert.Equal(0, (await machine.SshAsync("systemctl is-active www.service")).ExitCode);
    }

    [Fact, Order(3)]
    public async Task Ssh_c_exits_with_the_remote_exit_code_and_streams_both_outputs()
    {
        machine.EnsureUp(output);

        var run = await machine.SshAsync("echo out; echo err >&2; exit 7");

        Assert.Equal(7, run.ExitCode);
        Assert.Equal("out\n", run.Stdout);
        Assert.Contains("err", run.Stderr, StringComparison.Ordinal);
    }

    [Fact, Order(4)]
    public async Task Ctrl_c_on_ssh_c_ends_the_remote_command_and_what_it_started_and_exits_interrupted()
    {
        machine.EnsureUp(output);
        // SIGINT at its default for diskless, as a terminal gives it: a test run in the background inherits it ignored.
        var start = new ProcessStartInfo("env", ["--default-signal=INT", DisklessProcess.Program, "ssh", "-c", "sh -c 'trap \"\" TERM; exec sleep 600' & ps -o pgid= $$; wait"])
        {
            WorkingDirectory = machine.ProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DISKLESS_HOME"] = DisklessProcess.DataDirectory;
        start.Environment["XDG_CONFIG_HOME"] = DisklessProcess.ConfigDirectory;
        start.Environment["XDG_STATE_HOME"] = DisklessProcess.StateHome;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var ssh = Process.Start(start)!;
        var stderr = ssh.StandardError.ReadToEndAsync(limit.Token);
        string? group;
        try
        {
            // The remote command prints its process group and waits on a child that ignores TERM; Ctrl-C is SIGINT to diskless.
            group = (await ssh.StandardOutput.ReadLineAsync(limit.Token))?.Trim();
            using (var interrupt = Process.Start("kill", ["-INT", ssh.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(limit.Token);
            }

            await ssh.WaitForExitAsync(limit.Token);
        }
        finally
        {
            // A diskless that ignored the interrupt is ended here (this test started it): the guest then ends the command.
            if (!ssh.HasExited)
            {
                ssh.Kill();
            }
        }

        output.WriteLine($"group {group}, exit {ssh.ExitCode}\n--- stderr\n{await stderr}");

        Assert.Matches("^[0-9]+$", group);
        Assert.Equal(130, ssh.ExitCode);
        Assert.Contains("cancelled", await stderr, StringComparison.Ordinal);
        // Nothing of the interrupted command's process group is left in the guest (the watcher's grace, with a margin of ten).
        var left = await machine.SshAsync($"for i in $(seq 40); do pgrep -g {group} >/dev/null || exit 0; sleep 1; done; pgrep -a -g {group}; exit 1");
        Assert.True(left.ExitCode == 0, left.ToString());
    }

    [Fact, Order(4)]
    public async Task A_synced_folder_carries_files_both_ways()
    {
        machine.EnsureUp(output);

        await machine.AssertSyncedFolderCarriesFilesBothWaysAsync();
    }

    [Fact, Order(5)]
    public async Task A_forwarded_port_reaches_a_server_in_the_guest()
    {
        machine.EnsureUp(output);
        var body = await machine.HttpGetAsync();

        Assert.Equal($"hello over {machine.Transport}\n", body);
    }

    [Fact, Order(6)]
    public async Task The_guest_root_is_a_host_folder_and_a_file_deleted_in_the_guest_frees_host_space_at_once()
    {
        machine.EnsureUp(output);
        var rootPath = (await StatusAsync()).GetProperty("rootPath").GetString()!;
        Assert.Equal($"e2e-{machine.Transport}\n", await File.ReadAllTextAsync(Path.Combine(rootPath, "etc", "hostname")));
        var hostFile = Path.Combine(rootPath, "var", "tmp", "big");

        var write = await machine.SshAsync("dd if=/dev/urandom of=/var/tmp/big bs=1M count=32 status=none && sync");
        Assert.Equal(0, write.ExitCode);
        Assert.Equal(32L * 1024 * 1024, new FileInfo(hostFile).Length);
        var remove = await machine.SshAsync("rm /var/tmp/big && sync");

        Assert.Equal(0, remove.ExitCode);
        Assert.False(File.Exists(hostFile));
    }

    [Fact, Order(7)]
    public async Task Ssh_config_logs_in_with_strict_checking_of_the_pinned_host_key()
    {
        machine.EnsureUp(output);
        var config = await machine.RunAsync(TimeSpan.FromSeconds(30), "ssh-config");
        Assert.Equal(0, config.ExitCode);
        var configFile = Path.Combine(machine.ProjectDirectory, "ssh_config");
        await File.WriteAllTextAsync(configFile, config.Stdout);

        var ssh = await CliWrap.Cli.Wrap("ssh")
            .WithArguments(["-F", configFile, "-o", "BatchMode=yes", $"e2e-{machine.Transport}", "hostname"])
            .WithValidation(CliWrap.CommandResultValidation.None)
            .RunWithTimeoutAsync();

        Assert.Contains("StrictHostKeyChecking yes", config.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, $"e2e-{machine.Transport}\n"), (ssh.ExitCode, ssh.StandardOutput));
    }

    [Fact, Order(8)]
    public async Task Status_reports_the_running_machine_with_its_ports()
    {
        machine.EnsureUp(output);

        var status = await StatusAsync();

        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.Contains(status.GetProperty("ports").EnumerateArray(), p => p.GetProperty("host").GetInt32() == machine.HttpPort);
    }

    [Fact, Order(9)]
    public async Task No_process_of_the_machine_runs_as_host_root_even_when_diskless_does()
    {
        machine.EnsureUp(output);
        var id = (await StatusAsync()).GetProperty("id").GetString()!;

        // The host agent is diskless itself, as the user who ran up (it talks to the guest only over SSH and to QEMU
        // over its monitor): what must never be host root is what runs the guest, QEMU and virtiofsd.
        var processes = LeftOverProcesses.Of(id)
            .Select(pid => (Pid: pid, Command: new Abstractions.ProcProcessTable().CommandLine(pid) ?? "", ProcStatus.Read(pid).Uid))
            .Where(p => p.Command.Length > 0 && !p.Command.StartsWith(DisklessProcess.Program + " agent ", StringComparison.Ordinal))
            .ToList();

        output.WriteLine(string.Join('\n', processes.Select(p => $"{p.Pid} uid {p.Uid}: {p.Command}")));
        Assert.Contains(processes, p => p.Command.Contains("qemu-system", StringComparison.Ordinal));
        // Root's machines run as root's subordinate range: its /etc/subuid line, else the documented 2147352576.
        var start = Cli.Isolation.SubordinateIds.Read(Cli.Isolation.SubordinateIds.UidFile, "root", 0)?.Start ?? Cli.Isolation.MachineIdMaps.RootRangeStart;
        Assert.All(processes, p => Assert.True(p.Uid >= start && p.Uid < start + Abstractions.IdMap.GuestIdCount, $"pid {p.Pid} runs as host uid {p.Uid}: {p.Command}"));
    }

    [Fact, Order(10)]
    public async Task A_guest_plants_links_and_a_forged_record_where_earlier_versions_kept_the_machines_state()
    {
        machine.EnsureUp(output);

        var plant = await machine.SshAsync(PlantedState.Script(MachineFixture.ProjectInGuest, machine.Name, machine.Canary));

        output.WriteLine(plant.ToString());
        Assert.Equal(0, plant.ExitCode);
        PlantedState.AssertSteeredNothing(machine.ProjectDirectory, machine.Name, machine.Canary, MachineFixture.CanaryText);
    }

    private void AssertPlantedFilesSteeredNothing() =>
        PlantedState.AssertSteeredNothing(machine.ProjectDirectory, machine.Name, machine.Canary, MachineFixture.CanaryText);

    /// <remarks>
    /// The bound is the feature's two seconds with a margin of ten; the agent watches the guest over the SSH
    /// connection it holds, and changes QEMU's forwards through its monitor.
    /// </remarks>
    [Fact, Order(20)]
    public async Task A_port_the_guest_starts_listening_on_is_forwarded_within_the_bound_moves_on_when_taken_and_goes_with_the_listener()
    {
        machine.EnsureUp(output);
        var bound = TimeSpan.FromSeconds(20);
        var status = await StatusAsync();
        Assert.True(status.TryGetProperty("agent", out var agent) && agent.ValueKind == System.Text.Json.JsonValueKind.Object, status.ToString());
        var port = MachineFixture.FreePort();

        var listen = await machine.SshAsync(PortsInGuest.Listen("e2e-follow", port, "followed"));
        Assert.True(listen.ExitCode == 0, listen.ToString());
        var reached = await PortsInGuest.WithinAsync(bound, async () => await PortsInGuest.ReadAsync(port) == "followed");
        output.WriteLine($"127.0.0.1:{port} answered after {reached?.TotalSeconds:F1} s");
        Assert.True(reached is not null, $"the guest's listener on {port} was not forwarded within {bound.TotalSeconds} s");

        // A host port something else holds: the next free one, said by status.
        var (holder, taken) = PortsInGuest.HoldPortWithFreeNext();
        try
        {
            var listenTaken = await machine.SshAsync(PortsInGuest.Listen("e2e-taken", taken, "moved"));
            Assert.True(listenTaken.ExitCode == 0, listenTaken.ToString());
            Assert.NotNull(await PortsInGuest.WithinAsync(bound, async () => await PortsInGuest.ReadAsync(taken + 1) == "moved"));
            var ports = (await StatusAsync()).GetProperty("ports").EnumerateArray().ToList();
            Assert.Contains(ports, p => p.GetProperty("host").GetInt32() == taken + 1 && p.GetProperty("guest").GetInt32() == taken
                && p.GetProperty("origin").GetString() == "auto" && p.GetProperty("note").GetString() == $"host port {taken} was taken");
        }
        finally
        {
            holder.Stop();
            await machine.SshAsync(PortsInGuest.StopListening("e2e-taken"));
        }

        var stop = await machine.SshAsync(PortsInGuest.StopListening("e2e-follow"));
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.NotNull(await PortsInGuest.WithinAsync(bound, () => PortsInGuest.RefusedAsync(port)));
        Assert.DoesNotContain((await StatusAsync()).GetProperty("ports").EnumerateArray(), p => p.GetProperty("host").GetInt32() == port);
    }

    [Fact, Order(21)]
    public async Task Port_add_and_remove_change_the_running_machines_forwards()
    {
        machine.EnsureUp(output);
        var port = MachineFixture.FreePort();

        // The provisioned web server listens on guest port 80: below 1024, so only a forward asked for reaches it.
        var add = await machine.RunAsync(TimeSpan.FromMinutes(1), "port", "add", $"{port}:80");
        output.WriteLine(add.ToString());
        Assert.Equal(0, add.ExitCode);
        Assert.Equal($"Forwarded 127.0.0.1:{port} -> {machine.Name}:80/tcp\n", add.Stdout);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) })
        {
            Assert.Equal($"hello over {machine.Transport}\n", await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/")));
        }

        Assert.Contains((await StatusAsync()).GetProperty("ports").EnumerateArray(), p => p.GetProperty("host").GetInt32() == port && p.GetProperty("origin").GetString() == "added");
        var again = await machine.RunAsync(TimeSpan.FromMinutes(1), "port", "add", $"{port}:80");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already forwarded", again.Stderr, StringComparison.Ordinal);

        var remove = await machine.RunAsync(TimeSpan.FromMinutes(1), "port", "remove", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine(remove.ToString());
        Assert.Equal(0, remove.ExitCode);
        Assert.True(await PortsInGuest.RefusedAsync(port));
        Assert.DoesNotContain((await StatusAsync()).GetProperty("ports").EnumerateArray(), p => p.GetProperty("host").GetInt32() == port);
    }

    /// <remarks>
    /// The guest's boot id tells a reboot from none. The list names a port the agent was forwarding because the guest
    /// listens on it: the agent gives it back before the forwards change, and takes it again once the list drops it.
    /// </remarks>
    [Fact, Order(22)]
    public async Task Reload_of_a_changed_ports_list_alone_adds_and_removes_forwards_without_rebooting()
    {
        machine.EnsureUp(output);
        var bound = TimeSpan.FromSeconds(20);
        var original = await File.ReadAllTextAsync(Path.Combine(machine.ProjectDirectory, "Disklessfile"));
        var bootId = await BootIdAsync();
        var added = MachineFixture.FreePort();
        var listened = MachineFixture.FreePort();
        var listen = await machine.SshAsync(PortsInGuest.Listen("e2e-listed", listened, "listed"));
        Assert.True(listen.ExitCode == 0, listen.ToString());
        try
        {
            Assert.NotNull(await PortsInGuest.WithinAsync(bound, async () => await PortsInGuest.ReadAsync(listened) == "listed"));
            await machine.ChangeDisklessfileAsync(text => text + $"\n[[ports]]\nhost = {added}\nguest = 80\n\n[[ports]]\nhost = {listened}\nguest = {listened}\n");

            var reload = await machine.RunAsync(TimeSpan.FromMinutes(5), "reload");
            output.WriteLine(reload.ToString());
            Assert.Equal(0, reload.ExitCode);
            Assert.Contains("it was not rebooted", reload.Stdout + reload.Stderr, StringComparison.Ordinal);
            Assert.Equal(bootId, await BootIdAsync());
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) })
            {
                Assert.Equal($"hello over {machine.Transport}\n", await http.GetStringAsync(new Uri($"http://127.0.0.1:{added}/")));
            }

            Assert.Equal("listed", await PortsInGuest.ReadAsync(listened));
            var status = await StatusAsync();
            var ports = status.GetProperty("ports").EnumerateArray().ToList();
            Assert.Contains(ports, p => p.GetProperty("host").GetInt32() == added && p.GetProperty("origin").GetString() == "disklessfile");
            // The agent the reload started again, from a process whose stderr is a pipe (as every run here): not given it.
            var agentArgv = await File.ReadAllTextAsync($"/proc/{status.GetProperty("agent").GetProperty("pid").GetInt32()}/cmdline");
            Assert.Contains("\0agent\0", agentArgv, StringComparison.Ordinal);
            Assert.DoesNotContain(Cli.Agent.AgentCommandLine.TerminalOption, agentArgv, StringComparison.Ordinal);
            Assert.Single(ports, p => p.GetProperty("host").GetInt32() == listened);
        }
        finally
        {
            await machine.ChangeDisklessfileAsync(_ => original);
        }

        var back = await machine.RunAsync(TimeSpan.FromMinutes(5), "reload");
        output.WriteLine(back.ToString());
        Assert.Equal(0, back.ExitCode);
        Assert.Equal(bootId, await BootIdAsync());
        Assert.True(await PortsInGuest.RefusedAsync(added));
        Assert.Equal($"hello over {machine.Transport}\n", await machine.HttpGetAsync());
        // The list no longer names it: the agent, started again, forwards it as a port the guest listens on.
        Assert.NotNull(await PortsInGuest.WithinAsync(bound, async () => await PortsInGuest.ReadAsync(listened) == "listed"));
        Assert.Contains((await StatusAsync()).GetProperty("ports").EnumerateArray(), p => p.GetProperty("host").GetInt32() == listened && p.GetProperty("origin").GetString() == "auto");
        await machine.SshAsync(PortsInGuest.StopListening("e2e-listed"));
    }

    private async Task<string> BootIdAsync()
    {
        var run = await machine.SshAsync("cat /proc/sys/kernel/random/boot_id");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Trim();
    }

    [Fact, Order(100)]
    public async Task Halt_leaves_no_process_up_again_reuses_the_machine_and_destroy_removes_it()
    {
        machine.EnsureUp(output);
        var status = await StatusAsync();
        var id = status.GetProperty("id").GetString()!;
        var rootPath = status.GetProperty("rootPath").GetString()!;

        var agentPid = status.GetProperty("agent").GetProperty("pid").GetInt32();

        var halt = await machine.RunAsync(TimeSpan.FromMinutes(3), "halt");
        output.WriteLine(halt.ToString());
        Assert.Equal(0, halt.ExitCode);
        Assert.Empty(LeftOverProcesses.Mentioning(id));
        // The host agent went with the machine (its argv names the machine's id).
        Assert.DoesNotContain(agentPid, LeftOverProcesses.Of(id));
        Assert.Equal("stopped", (await StatusAsync()).GetProperty("state").GetString());
        AssertPlantedFilesSteeredNothing();

        var up = await machine.RunAsync(TimeSpan.FromMinutes(5), "up");
        output.WriteLine(up.ToString());
        Assert.Equal(0, up.ExitCode);
        Assert.DoesNotContain("debootstrap", up.Stdout + up.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("mmdebstrap", up.Stdout + up.Stderr, StringComparison.OrdinalIgnoreCase);
        var count = await machine.SshAsync("cat /var/log/provision-count");
        Assert.Equal("provisioned\n", count.Stdout);
        var sshConfig = await machine.RunAsync(TimeSpan.FromSeconds(30), "ssh-config");
        Assert.Equal(0, sshConfig.ExitCode);
        Assert.DoesNotContain("ProxyCommand", sshConfig.Stdout, StringComparison.Ordinal);
        AssertPlantedFilesSteeredNothing();

        // No trap a guest laid (GuestTrapTests) went off on the host, through halt and up: checked in the root before destroy.
        Assert.Empty(GuestTraps.HostAuthorityLines(Path.Combine(rootPath, GuestTraps.MarkName)));
        Assert.False(File.Exists(Path.Combine(machine.ProjectDirectory, GuestTraps.MarkName)), "a program of the guest's root ran where the host's files are in reach");

        var destroy = await machine.RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        output.WriteLine(destroy.ToString());
        Assert.Equal(0, destroy.ExitCode);
        Assert.Empty(LeftOverProcesses.Mentioning(id));
        Assert.False(Directory.Exists(rootPath));
        Assert.False(Directory.Exists(StateFolders.Machine(machine.ProjectDirectory, $"e2e-{machine.Transport}")));
        AssertPlantedFilesSteeredNothing();
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(id, StringComparison.Ordinal));
        Assert.Equal("not created", (await StatusAsync()).GetProperty("state").GetString());
        Assert.False(File.Exists(GuestTraps.HostMark), "a program of the guest's root ran on the host");
    }

    protected async Task<JsonElement> StatusAsync()
    {
        var run = await machine.RunAsync(TimeSpan.FromSeconds(30), "status", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        return document.RootElement.GetProperty("machines")[0].Clone();
    }
}

[TestCaseOrderer(ByOrderAttribute.TypeName, ByOrderAttribute.AssemblyName)]
public sealed class A_virtiofs_machine(VirtioFsMachine machine, ITestOutputHelper output)
    : MachineScenario<VirtioFsMachine>(machine, output), IClassFixture<VirtioFsMachine>
{
    /// <summary>
    /// The quick start's case, root running Diskless on a root-owned folder: Diskless serves it through an idmapped
    /// bind, so the guest's user owns it and writes there, and so does guest root with sudo. What they write is the
    /// host owner's to use; no setuid or setgid bit they try reaches the host; a setuid file host root left there loses
    /// its bit when guest root rewrites it (the folder's virtiofsd has no CAP_FSETID); and up warned of nothing.
    /// </summary>
    [Fact, Order(11)]
    public async Task A_root_owned_folder_is_the_guest_users_and_what_the_guest_writes_there_grants_nothing_on_the_host()
    {
        Machine.EnsureUp(Output);
        var folder = Machine.RootOwnedFolder;
        var hostSetuid = Path.Combine(folder, "host-setuid");
        File.Copy("/usr/bin/id", hostSetuid);
        File.SetUnixFileMode(hostSetuid, (UnixFileMode)0b100_111_101_101);

        var run = await Machine.SshAsync(
            "stat -c %u:%g /rootowned /rootowned/from-root.txt; cat /rootowned/from-root.txt; "
            + "echo user > /rootowned/by-user && mkdir /rootowned/user-dir && echo user-wrote; "
            + "echo appended >> /rootowned/from-root.txt && echo user-appended; "
            + "chmod u+s /rootowned/by-user 2>&1 | grep -q 'Operation not permitted' && echo user-suid-refused; "
            + "sudo -n sh -c 'echo root > /rootowned/by-root && echo root-wrote; "
            + "chmod u+s /rootowned/by-root 2>&1 | grep -q \"Operation not permitted\" && echo root-suid-refused; "
            + "chmod g+s /rootowned/by-root 2>&1 | grep -q \"Operation not permitted\" && echo root-sgid-refused; "
            + "chmod 4755 /rootowned/by-user 2>&1 | grep -q \"Operation not permitted\" && echo root-suid-of-user-file-refused; "
            + "echo rewritten >> /rootowned/host-setuid && echo root-rewrote'");
        Output.WriteLine(run.ToString());

        Assert.Equal(
            "1000:1000\n1000:1000\nroot's own file\nuser-wrote\nuser-appended\nuser-suid-refused\n"
            + "root-wrote\nroot-suid-refused\nroot-sgid-refused\nroot-suid-of-user-file-refused\nroot-rewrote\n",
            run.Stdout);
        Assert.DoesNotContain("nobody in the guest", Machine.FirstUp!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("could not be idmapped", Machine.FirstUp!.ToString(), StringComparison.Ordinal);

        // On the host: the guest user's files are the folder owner's, guest root's its subordinate id's, nothing has a
        // set-id bit (the host's setuid file lost its bit when rewritten), and the owner reads, changes and deletes them.
        Assert.Equal((0, 0), Owner(Path.Combine(folder, "by-user")));
        Assert.Equal((0, 0), Owner(Path.Combine(folder, "user-dir")));
        Assert.NotEqual(0, Owner(Path.Combine(folder, "by-root")).Uid);
        var found = await CliWrap.Cli.Wrap("find").WithArguments([folder, "-perm", "/6000", "-print"]).ExecuteBufferedAsync();
        Assert.Equal("", found.StandardOutput);
        Assert.Equal("root's own file\nappended\n", await File.ReadAllTextAsync(Path.Combine(folder, "from-root.txt")));
        foreach (var written in new[] { "by-user", "by-root" })
        {
            var path = Path.Combine(folder, written);
            await File.AppendAllTextAsync(path, "host\n");
            Assert.EndsWith("host\n", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
            File.Delete(path);
        }

        Directory.Delete(Path.Combine(folder, "user-dir"));
        File.Delete(hostSetuid);
    }

    private static (long Uid, long Gid) Owner(string path)
    {
        var status = Diskless.Cli.Isolation.FileStatus.Read(path, followLinks: false)!;
        return (status.Uid, status.Gid);
    }

    [Fact, Order(50)]
    public async Task Reload_applies_a_changed_disklessfile_without_provisioning_again()
    {
        Machine.EnsureUp(Output);
        var extra = Directory.CreateDirectory(Path.Combine(Machine.ProjectDirectory, "extra")).FullName;
        await File.WriteAllTextAsync(Path.Combine(extra, "added.txt"), "added by reload\n");

        // Over virtiofs, said outright rather than inherited from [share]: what is proved below is virtiofsd's read-only bind.
        await Machine.ChangeDisklessfileAsync(text =>
            text + "\n[[synced_folders]]\nhost = \"extra\"\nguest = \"/extra\"\nread_only = true\ntransport = \"virtiofs\"\n");

        var reload = await Machine.RunAsync(TimeSpan.FromMinutes(5), "reload");
        Output.WriteLine(reload.ToString());

        Assert.Equal(0, reload.ExitCode);

        // Read-only is proved by guest root (sudo), whom file permissions do not stop: the folder is root-owned in the
        // guest, so a failing write by the login user would prove nothing. The guest mounts it "ro" (its fstab), which
        // guest root can lift: so it does, and sees the mount "rw". The write must still fail with EROFS, which then only
        // the host can give (virtiofsd's read-only bind), and nothing may reach the host folder.
        const string mountOptions = "awk '$2 == \"/extra\" { print $4 }' /proc/mounts | tr , '\\n'";
        var run = await Machine.SshAsync(
            "cat /extra/added.txt; cat /var/log/provision-count; "
            + $"{mountOptions} | grep -qx ro && echo mounted-ro; "
            + $"sudo -n mount -o remount,rw /extra && {mountOptions} | grep -qx rw && echo remounted-rw; "
            + "sudo -n touch /extra/nope 2>&1 | grep -q 'Read-only file system' && echo root-refused");
        Output.WriteLine(run.ToString());
        Assert.Equal("added by reload\nprovisioned\nmounted-ro\nremounted-rw\nroot-refused\n", run.Stdout);
        Assert.False(File.Exists(Path.Combine(extra, "nope")), "guest root wrote into the read-only folder");
    }

    [Fact, Order(60)]
    public async Task Global_status_from_a_third_folder_shows_both_projects_live_a_killed_qemu_as_crashed_and_an_orphan_with_the_command_that_removes_it_and_the_second_a_root_owned_quick_start_project_the_guest_writes()
    {
        Machine.EnsureUp(Output);

        await new GlobalStatusScenario(Machine, Output).RunAsync();
    }
}

[TestCaseOrderer(ByOrderAttribute.TypeName, ByOrderAttribute.AssemblyName)]
public sealed partial class A_9p_machine(NinePMachine machine, ITestOutputHelper output)
    : MachineScenario<NinePMachine>(machine, output), IClassFixture<NinePMachine>;
