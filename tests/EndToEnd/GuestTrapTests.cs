namespace Diskless.EndToEnd;

/// <summary>
/// A guest never runs code with the host's authority: the booted 9p machine lays traps in its own tools
/// (<see cref="GuestTraps"/>), then the host halts it, and reloads it with another transport, another synced folder
/// and another port — the reconfigure that used to run the guest's update-initramfs, useradd and chown in a chroot.
/// No trap may go off outside the guest. Runs on the scenario's machine before its lifecycle test (which checks the
/// marks again through halt, up and destroy): one extra boot.
/// </summary>
public sealed partial class A_9p_machine
{
    [Fact, Order(90)]
    public async Task Reload_after_the_guest_trapped_its_own_tools_runs_none_of_them_on_the_host()
    {
        Machine.EnsureUp(Output);
        var rootPath = (await StatusAsync()).GetProperty("rootPath").GetString()!;
        var rootMark = Path.Combine(rootPath, GuestTraps.MarkName);
        Assert.False(File.Exists(GuestTraps.HostMark), $"{GuestTraps.HostMark} exists before the test: remove it and run again");
        var projectMark = Path.Combine(Machine.ProjectDirectory, GuestTraps.MarkName);
        await File.WriteAllTextAsync(Path.Combine(Machine.SyncedFolder, "install-traps.sh"), GuestTraps.InstallScript(Machine.ProjectDirectory));

        // Lay the traps from inside, as a compromised guest's root would; the guest keeps working through them.
        var install = await Machine.SshAsync("sudo -n sh /project/install-traps.sh && sh -c 'echo sh-ok' && bash -c 'echo bash-ok' && env echo env-ok");
        Output.WriteLine(install.ToString());
        Assert.Equal((0, "sh-ok\nbash-ok\nenv-ok\n"), (install.ExitCode, install.Stdout));
        Assert.True(File.Exists(Path.Combine(rootPath, "usr/bin/dash.real")), "the traps are not in the root");
        Assert.False(File.Exists(rootMark), "a trap went off inside the guest");

        // Armed: outside the guest's view of /proc/cmdline a trap marks, and the mark lands in the root.
        var armed = await Machine.SshAsync(GuestTraps.SelfCheck);
        Output.WriteLine(armed.ToString());
        Assert.True(armed.ExitCode == 0, armed.ToString());
        Assert.Contains("/usr/bin/env true [uid_map ", armed.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(rootMark));

        var halt = await Machine.RunAsync(TimeSpan.FromMinutes(3), "halt");
        Assert.True(halt.ExitCode == 0, halt.ToString());
        AssertNoMark(rootMark, projectMark, "halt");

        // Everything a reload reconfigures: the root's transport, a synced folder, a forwarded port.
        var extra = Directory.CreateDirectory(Path.Combine(Machine.ProjectDirectory, "trap-extra")).FullName;
        await File.WriteAllTextAsync(Path.Combine(extra, "seen.txt"), "seen after reload\n");
        var port = MachineFixture.FreePort();
        await Machine.ChangeDisklessfileAsync(text =>
        {
            var changed = text
                .Replace("transport = \"9p\"", "transport = \"virtiofs\"", StringComparison.Ordinal)
                .Replace($"host = {Machine.HttpPort}\n", $"host = {port}\n", StringComparison.Ordinal)
                + "\n[[synced_folders]]\nhost = \"trap-extra\"\nguest = \"/trap-extra\"\n";
            Assert.Contains("transport = \"virtiofs\"", changed, StringComparison.Ordinal);
            return changed;
        });

        var reload = await Machine.RunAsync(TimeSpan.FromMinutes(5), "reload");
        Output.WriteLine(reload.ToString());
        Assert.True(reload.ExitCode == 0, reload.ToString());
        AssertNoMark(rootMark, projectMark, "reload");

        // The initramfs built before the first boot had virtiofs already; the traps are still the guest's tools.
        var after = await Machine.SshAsync("grep -o 'rootfstype=[a-z0-9]*' /proc/cmdline; cat /trap-extra/seen.txt; test -x /usr/bin/dash.real && echo trapped");
        Output.WriteLine(after.ToString());
        Assert.Equal("rootfstype=virtiofs\nseen after reload\ntrapped\n", after.Stdout);
        AssertNoMark(rootMark, projectMark, "the boot after reload");
    }

    private static void AssertNoMark(string rootMark, string projectMark, string after)
    {
        // A mark in the root from the machine's sandbox is allowed; one left with the host's own ids is a chroot as host root.
        Assert.Empty(GuestTraps.HostAuthorityLines(rootMark));
        Assert.False(File.Exists(projectMark), $"a program of the guest's root ran where the host's files are in reach during {after}: {Read(projectMark)}");
        Assert.False(File.Exists(GuestTraps.HostMark), $"a program of the guest's root ran on the host during {after}: {Read(GuestTraps.HostMark)}");
    }

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
