namespace Diskless.EndToEnd.Rootless;

/// <summary>
/// The guest-trap test of the root-run 9p machine (<see cref="A_9p_machine"/>), for a machine of an ordinary user:
/// the booted guest lays traps in its own tools, then the user halts it and reloads it with the other transport,
/// another synced folder and a forwarded port. No trap may go off with host authority: not on the host, not where the
/// user's files are in reach (the project folder), not in a chroot; runs in the machine's sandbox are allowed.
/// </summary>
public sealed partial class A_machine_of_an_ordinary_user
{
    [Fact, Order(50)]
    public async Task Reload_with_another_transport_after_the_guest_trapped_its_own_tools_runs_none_of_them_with_host_authority()
    {
        machine.EnsureUp(output);
        var rootPath = (await StatusAsync()).GetProperty("rootPath").GetString()!;
        var rootMark = Path.Combine(rootPath, GuestTraps.MarkName);
        var projectMark = Path.Combine(machine.ProjectDirectory, GuestTraps.MarkName);
        await File.WriteAllTextAsync(Path.Combine(machine.SyncedFolder, "install-traps.sh"), GuestTraps.InstallScript(machine.ProjectDirectory));

        var install = await machine.SshAsync("sudo -n sh /project/install-traps.sh && sh -c 'echo sh-ok' && env echo env-ok");
        output.WriteLine(install.ToString());
        Assert.Equal((0, "sh-ok\nenv-ok\n"), (install.ExitCode, install.Stdout));
        var armed = await machine.SshAsync(GuestTraps.SelfCheck);
        Assert.True(armed.ExitCode == 0, armed.ToString());
        Assert.Contains("/usr/bin/env true [uid_map ", armed.Stdout, StringComparison.Ordinal);

        var halt = await machine.RunAsync(TimeSpan.FromMinutes(3), "halt");
        Assert.True(halt.ExitCode == 0, halt.ToString());
        AssertNoHostAuthority(rootMark, projectMark, "halt");

        var extra = Path.Combine(machine.ProjectDirectory, "trap-extra");
        Directory.CreateDirectory(extra);
        await File.WriteAllTextAsync(Path.Combine(extra, "seen.txt"), "seen after reload\n");
        await TestUserDiskless.ChownAsync(extra, recursive: true);
        var disklessfile = Path.Combine(machine.ProjectDirectory, "Disklessfile");
        await File.AppendAllTextAsync(
            disklessfile,
            $"\n[share]\ntransport = \"9p\"\n\n[[synced_folders]]\nhost = \"trap-extra\"\nguest = \"/trap-extra\"\n\n[[ports]]\nhost = {MachineFixture.FreePort()}\nguest = 80\n");

        var reload = await machine.RunAsync(TimeSpan.FromMinutes(5), "reload");
        output.WriteLine(reload.ToString());
        Assert.True(reload.ExitCode == 0, reload.ToString());
        AssertNoHostAuthority(rootMark, projectMark, "reload");

        var after = await machine.SshAsync("grep -o 'rootfstype=[a-z0-9]*' /proc/cmdline; cat /trap-extra/seen.txt; echo by the user > /trap-extra/back.txt; test -x /usr/bin/dash.real && echo trapped");
        output.WriteLine(after.ToString());
        Assert.Equal("rootfstype=9p\nseen after reload\ntrapped\n", after.Stdout);
        // The folder names no transport, so under the 9p root it is virtiofs, and the guest's user writes as the host user.
        Assert.Equal(TestUserDiskless.Ids(), Owner(Path.Combine(extra, "back.txt")));
        AssertNoHostAuthority(rootMark, projectMark, "the boot after reload");
    }

    private static void AssertNoHostAuthority(string rootMark, string projectMark, string after)
    {
        Assert.Empty(GuestTraps.HostAuthorityLines(rootMark));
        Assert.False(File.Exists(projectMark), $"a program of the guest's root ran where the user's files are in reach during {after}: {Read(projectMark)}");
        Assert.False(File.Exists(GuestTraps.HostMark), $"a program of the guest's root ran on the host during {after}: {Read(GuestTraps.HostMark)}");
    }

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
