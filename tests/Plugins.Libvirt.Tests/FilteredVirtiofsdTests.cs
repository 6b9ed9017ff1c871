using System.Diagnostics;
using System.Globalization;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.Libvirt.Tests;

public sealed class FilteredVirtiofsdTests
{
    [Fact]
    public void The_script_runs_virtiofsd_under_the_filter_with_libvirts_arguments_then_the_xattr_map()
    {
        var script = FilteredVirtiofsd.Script("/usr/lib/qemu/virtiofsd", [0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]);

        Assert.Equal(SetuidGuard.WrapperScript("/usr/lib/qemu/virtiofsd", ["-o", "xattrmap=" + SetuidGuard.XattrMap], [0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]), script);
        Assert.Contains("-- '/usr/lib/qemu/virtiofsd' \"$@\" '-o' 'xattrmap=", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Its_path_is_named_by_its_content()
    {
        var paths = new HostPaths("/root/.local/share/diskless");

        var one = FilteredVirtiofsd.PathFor(paths, "a");

        Assert.StartsWith("/root/.local/share/diskless/libvirt/virtiofsd-nosetuid-", one, StringComparison.Ordinal);
        Assert.Equal(one, FilteredVirtiofsd.PathFor(paths, "a"));
        Assert.NotEqual(one, FilteredVirtiofsd.PathFor(paths, "b"));
    }

    /// <summary>
    /// The script as libvirt runs it (as host root, with its own arguments): it answers libvirt's capability query, and
    /// the virtiofsd it starts serves the folder under the filter, through bwrap, with its own sandbox working.
    /// </summary>
    [RequiresFact("bwrap", "bash", "/usr/lib/qemu/virtiofsd", Root = true, Timeout = 30000)]
    public async Task Run_as_libvirt_runs_it_virtiofsd_answers_and_serves_under_the_filter()
    {
        using var folder = new TempDirectory("diskless-libvirt-wrapper-");
        var host = new RealHost(folder.Combine("data"));
        Directory.CreateDirectory(folder.Combine("share"));
        var script = folder.Combine("virtiofsd-nosetuid");
        await File.WriteAllTextAsync(script, FilteredVirtiofsd.Script("/usr/lib/qemu/virtiofsd", SetuidFilter.ForThisHost()));
        File.SetUnixFileMode(script, (UnixFileMode)0x1c0);

        var capabilities = await host.Commands.RunAsync(new CommandSpec(script, "--print-capabilities"), CancellationToken.None);
        Assert.Contains("\"type\": \"fs\"", capabilities.StandardOutput, StringComparison.Ordinal);

        var socket = folder.Combine("vfs.sock");
        var pid = await host.Commands.StartDetachedAsync(
            new CommandSpec(script, $"--socket-path={socket}", "-o", $"source={folder.Combine("share")},xattr", "-o", "sandbox=namespace"),
            folder.Combine("virtiofsd.log"),
            CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!File.Exists(socket))
            {
                Assert.True(host.Processes.IsAlive(pid), $"the wrapper exited: {await File.ReadAllTextAsync(folder.Combine("virtiofsd.log"))}");
                Assert.True(DateTime.UtcNow < deadline, "virtiofsd never opened its socket");
                await Task.Delay(100);
            }

            // The script's bash waits for bwrap, whose one child is virtiofsd itself, exec'd with the xattr map after
            // libvirt's arguments, under the filter (its sandbox forks below it, and its children inherit the filter).
            var bwrap = Assert.Single(Children(pid));
            var virtiofsd = Assert.Single(Children(bwrap));
            Assert.Contains("Seccomp:\t2", File.ReadAllText($"/proc/{virtiofsd}/status"), StringComparison.Ordinal);
            Assert.EndsWith(
                "\0-o\0xattrmap=:prefix:all:security.capability:user.virtiofs.::ok:all:::\0",
                File.ReadAllText($"/proc/{virtiofsd}/cmdline"),
                StringComparison.Ordinal);
        }
        finally
        {
            using var kill = Process.Start("kill", ["-KILL", "--", "-" + pid.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            await host.Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50), CancellationToken.None);

            // The C virtiofsd's lock, named after its socket; a killed one leaves it behind.
            File.Delete(Path.Combine("/run/virtiofsd", socket.Replace('/', '.') + ".pid"));
        }
    }

    /// <summary>libvirt 9.0 takes the script as a virtiofs &lt;binary path&gt; and keeps it as given.</summary>
    [RequiresFact("virsh", Root = true, Timeout = 60000)]
    public async Task Libvirt_defines_a_domain_whose_synced_folder_binary_is_the_script()
    {
        using var folder = new TempDirectory("diskless-libvirt-define-");
        var host = new RealHost(folder.Combine("data"));
        var script = folder.Combine("virtiofsd-nosetuid");
        await File.WriteAllTextAsync(script, FilteredVirtiofsd.Script("/usr/lib/qemu/virtiofsd", SetuidFilter.ForThisHost()));
        File.SetUnixFileMode(script, (UnixFileMode)0x1c0);
        var id = Guid.NewGuid().ToString("n")[..6];
        var plan = LibvirtPlans.Plan(ShareTransport.VirtioFs, extraShares: [new Share("share1", folder.Path, "/project", ShareTransport.VirtioFs)]) with { MachineId = id };
        var xml = folder.Combine("domain.xml");
        await File.WriteAllTextAsync(xml, DomainPlanner.Render(DomainPlanner.Plan(plan, LibvirtSettings.Parse(plan.Provider), LibvirtPlans.Tcg, script), new Diskless.Cli.Templates.ScribanTemplates()));
        var name = DomainIdentity.For(plan.MachineName, id).Name;

        await host.Commands.RunAsync(new CommandSpec("virsh", "-c", LibvirtSettings.SystemUri, "define", "--validate", xml), CancellationToken.None);
        try
        {
            var defined = await host.Commands.RunAsync(new CommandSpec("virsh", "-c", LibvirtSettings.SystemUri, "dumpxml", name), CancellationToken.None);
            var binaries = System.Xml.Linq.XElement.Parse(defined.StandardOutput).Element("devices")!.Elements("filesystem")
                .Select(f => (string?)f.Element("binary")?.Attribute("path")).ToList();
            Assert.Equal(["/usr/lib/qemu/virtiofsd", script], binaries);
        }
        finally
        {
            await host.Commands.RunAsync(new CommandSpec("virsh", "-c", LibvirtSettings.SystemUri, "undefine", name), CancellationToken.None);
        }
    }

    private static List<int> Children(int pid)
    {
        var children = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(children)
            ? File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList()
            : [];
    }
}
