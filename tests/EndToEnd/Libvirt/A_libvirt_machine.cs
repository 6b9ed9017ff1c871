using System.Text.Json;
using System.Xml.Linq;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd.Libvirt;

/// <summary>
/// The same machine as a libvirt domain: brought up once over virtiofs and asserted from every side, then halted and
/// brought up again over 9p (a reload: halt, configure, up) and asserted again, then destroyed. Two boots in all, to
/// keep the CI budget. Real libvirtd (scripts/libvirt-daemons.sh), real QEMU under TCG; traffic only to loopback.
/// </summary>
[TestCaseOrderer(ByOrderAttribute.TypeName, ByOrderAttribute.AssemblyName)]
public sealed class A_libvirt_machine(LibvirtMachine machine, ITestOutputHelper output) : IClassFixture<LibvirtMachine>
{
    private const string LibvirtQemuUser = "libvirt-qemu";

    [Fact, Order(1)]
    public async Task Up_boots_the_root_folder_over_virtiofs_as_a_libvirt_domain_reached_with_the_pinned_key()
    {
        machine.EnsureUp(output);
        var status = await StatusAsync();
        var domain = status.GetProperty("vmName").GetString()!;

        // diskless ssh checks the host key strictly against the machine's own known_hosts.
        var run = await machine.SshAsync("cat /proc/cmdline; findmnt -no FSTYPE,SOURCE /; hostname");

        output.WriteLine(run.ToString());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("rootfstype=virtiofs", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^virtiofs\s+rootfs\s*$", run.Stdout);
        Assert.EndsWith($"{machine.Name}\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal($"diskless-{machine.Name}-{status.GetProperty("id").GetString()}", domain);
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.Equal("127.0.0.1", status.GetProperty("ssh").GetProperty("host").GetString());
        Assert.Equal("running", (await VirshAsync("domstate", domain)).Trim());
        var knownHosts = await File.ReadAllTextAsync(Path.Combine(StateFolders.Machine(machine.ProjectDirectory, machine.Name), "known_hosts"));
        Assert.StartsWith($"[127.0.0.1]:{status.GetProperty("ssh").GetProperty("port").GetInt32()} ", knownHosts, StringComparison.Ordinal);
    }

    [Fact, Order(2)]
    public async Task The_domain_is_an_emulated_q35_with_no_disk_that_boots_the_roots_kernel_and_relabels_nothing()
    {
        machine.EnsureUp(output);
        var status = await StatusAsync();
        var rootPath = status.GetProperty("rootPath").GetString()!;

        var xml = XElement.Parse(await VirshAsync("dumpxml", status.GetProperty("vmName").GetString()!));

        Assert.Equal("qemu", (string?)xml.Attribute("type"));
        Assert.Empty(xml.Element("devices")!.Elements("disk"));
        Assert.StartsWith(rootPath + "/boot/", (string?)xml.Element("os")!.Element("kernel"), StringComparison.Ordinal);
        Assert.Equal("no", (string?)xml.Elements("seclabel").Single(s => (string?)s.Attribute("model") == "dac").Attribute("relabel"));
    }

    [Fact, Order(3)]
    public async Task Nothing_of_the_root_changes_owner_while_libvirt_runs_it()
    {
        machine.EnsureUp(output);
        var status = await StatusAsync();
        var rootPath = status.GetProperty("rootPath").GetString()!;
        var xml = XElement.Parse(await VirshAsync("dumpxml", status.GetProperty("vmName").GetString()!));

        // Without relabel='no' libvirt hands the kernel and initrd to libvirt-qemu while the domain runs.
        foreach (var file in new[] { (string?)xml.Element("os")!.Element("kernel"), (string?)xml.Element("os")!.Element("initrd") })
        {
            Assert.Equal((0L, 0L), Owner(file!));
        }

        var qemuUid = await CommandOutputAsync("id", "-u", LibvirtQemuUser);
        var relabelled = await CommandOutputAsync("find", rootPath, "-xdev", "-uid", qemuUid.Trim(), "-print", "-quit");
        Assert.Equal("", relabelled);
        Assert.Equal((0L, 0L), Owner(rootPath));
    }

    [Fact, Order(4)]
    public async Task A_synced_folder_carries_files_both_ways()
    {
        machine.EnsureUp(output);

        await machine.AssertSyncedFolderCarriesFilesBothWaysAsync();
    }

    [Fact, Order(5)]
    public async Task A_forwarded_port_on_loopback_reaches_the_server_the_provisioners_set_up()
    {
        machine.EnsureUp(output);

        Assert.Equal("hello over virtiofs\n", await machine.HttpGetAsync());
    }

    [Fact, Order(6)]
    public async Task The_serial_console_goes_to_the_machines_console_log()
    {
        machine.EnsureUp(output);

        var log = await File.ReadAllTextAsync(Path.Combine(StateFolders.Machine(machine.ProjectDirectory, machine.Name), "console.log"));

        Assert.Contains("Linux version", log, StringComparison.Ordinal);
        Assert.Null(BootDiagnostics.Recognize(log.Split('\n'), hints: null));
    }

    [RequiresFact("runuser", OtherUser = true), Order(7)]
    public async Task No_setuid_bit_or_device_guest_root_makes_in_a_synced_folder_reaches_the_host_though_virtiofsd_is_host_root()
    {
        machine.EnsureUp(output);
        var rootPath = (await StatusAsync()).GetProperty("rootPath").GetString()!;

        await SetuidDoor.AssertShutAsync(command => machine.RunAsync(TimeSpan.FromMinutes(6), "ssh", "-c", command), machine.SyncedFolder, rootPath, TestUser.Name, output);
    }

    [Fact, Order(100)]
    public async Task Halt_stops_the_domain_up_again_over_9p_works_and_destroy_leaves_nothing_of_ours()
    {
        machine.EnsureUp(output);
        var status = await StatusAsync();
        var id = status.GetProperty("id").GetString()!;
        var domain = status.GetProperty("vmName").GetString()!;
        var rootPath = status.GetProperty("rootPath").GetString()!;

        var halt = await machine.RunAsync(TimeSpan.FromMinutes(3), "halt");
        output.WriteLine(halt.ToString());
        Assert.Equal(0, halt.ExitCode);
        Assert.Empty(OurProcesses(id));
        Assert.Equal("stopped", (await StatusAsync()).GetProperty("state").GetString());
        Assert.Equal("shut off", (await VirshAsync("domstate", domain)).Trim());

        // Up again, over the other transport: reload is halt (already done), configure, up.
        await machine.ChangeDisklessfileAsync(text => text.Replace("transport = \"virtiofs\"", "transport = \"9p\"", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(machine.SyncedFolder, "from-host.txt"), "written on the host again\n");
        var reload = await machine.RunAsync(TimeSpan.FromMinutes(8), "reload");
        output.WriteLine(reload.ToString());
        Assert.Equal(0, reload.ExitCode);
        var run = await machine.SshAsync("findmnt -no FSTYPE /; findmnt -no SOURCE /; findmnt -no FSTYPE /project; cat /project/from-host.txt; echo again > /project/from-guest.txt; cat /var/log/provision-count");
        output.WriteLine(run.ToString());
        // The synced folder stays virtiofs under a 9p root: the provider's default, behind the setuid filter QEMU's 9p lacks.
        Assert.Equal((0, "9p\nrootfs\nvirtiofs\nwritten on the host again\nprovisioned\n"), (run.ExitCode, run.Stdout));
        Assert.Equal("again\n", await File.ReadAllTextAsync(Path.Combine(machine.SyncedFolder, "from-guest.txt")));
        // The provisioners' web server was a transient unit of the first boot: start it again to see the port forwarded anew.
        var www = await machine.SshAsync("sudo -n systemd-run --unit www systemd-socket-activate -l 80 --inetd -a /usr/local/bin/www-reply");
        Assert.True(www.ExitCode == 0, www.ToString());
        Assert.Equal("hello over virtiofs\n", await machine.HttpGetAsync());
        Assert.Equal(domain, (await StatusAsync()).GetProperty("vmName").GetString());

        var destroy = await machine.RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        output.WriteLine(destroy.ToString());
        Assert.Equal(0, destroy.ExitCode);
        Assert.DoesNotContain(domain, await VirshAsync("list", "--all", "--name"), StringComparison.Ordinal);
        Assert.Empty(OurProcesses(id));
        Assert.False(Directory.Exists(rootPath));
        Assert.Equal("not created", (await StatusAsync()).GetProperty("state").GetString());
    }

    /// <summary>QEMU and virtiofsd processes that name the machine (its id is in the domain name and the root path) or its project (the synced folder).</summary>
    private List<string> OurProcesses(string id) =>
        LeftOverProcesses.Mentioning(id)
            .Concat(new ProcProcessTable().FindByCommandLine(machine.ProjectDirectory).Select(new ProcProcessTable().CommandLine).OfType<string>()
                .Where(c => c.Contains("qemu", StringComparison.Ordinal) || c.Contains("virtiofsd", StringComparison.Ordinal)))
            .ToList();

    private static Task<string> VirshAsync(params string[] arguments) => CommandOutputAsync("virsh", ["-c", "qemu:///system", .. arguments]);

    private static async Task<string> CommandOutputAsync(string program, params string[] arguments)
    {
        var result = await CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CliWrap.CommandResultValidation.None).RunWithTimeoutAsync();
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {result.StandardError}");
        return result.StandardOutput;
    }

    private static (long Uid, long Gid) Owner(string path) =>
        Cli.Isolation.FileStatus.Read(path, followLinks: false) is { } status ? (status.Uid, status.Gid) : throw new FileNotFoundException(path);

    private async Task<JsonElement> StatusAsync()
    {
        var run = await machine.RunAsync(TimeSpan.FromSeconds(60), "status", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        return document.RootElement.GetProperty("machines")[0].Clone();
    }
}
