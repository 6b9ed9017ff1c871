using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests;

public sealed class SetuidGuardTests
{
    private static readonly byte[] Filter = SetuidFilter.ForThisHost();

    [Fact]
    public void The_command_runs_under_bwrap_with_the_filter_on_fd_8_and_keeps_its_settings()
    {
        var program = new CommandSpec("/usr/lib/qemu/virtiofsd", "--socket-path=/r/vfs1.sock", "-o", "source=/p")
        {
            Environment = new Dictionary<string, string?> { ["X"] = "1" },
            Description = "virtiofsd",
        };

        var wrapped = SetuidGuard.Wrap(program, Filter);

        Assert.Equal("/bin/bash", wrapped.FileName);
        Assert.Equal(["-c", SetuidGuard.Script, "diskless-nosetuid", SetuidGuard.PrintfEscapes(Filter), "/usr/lib/qemu/virtiofsd", "--socket-path=/r/vfs1.sock", "-o", "source=/p"], wrapped.Arguments);
        Assert.Contains("--seccomp 8", SetuidGuard.Script, StringComparison.Ordinal);
        Assert.Contains("--cap-add ALL", SetuidGuard.Script, StringComparison.Ordinal);
        Assert.Equal("1", wrapped.Environment["X"]);
        Assert.Equal("/usr/lib/qemu/virtiofsd", wrapped.ShownProgram);
    }

    [Fact]
    public void Printf_escapes_spell_every_byte_nul_included()
    {
        Assert.Equal("\\x00\\x41\\xff", SetuidGuard.PrintfEscapes([0x00, 0x41, 0xff]));
    }

    [Fact]
    public void The_libvirt_wrapper_passes_libvirts_arguments_then_its_own_and_quotes_the_program()
    {
        var script = SetuidGuard.WrapperScript("/opt/it's/virtiofsd", ["-o", SetuidGuard.XattrMap], [0x06, 0x00]);

        Assert.StartsWith("#!/bin/bash\n", script, StringComparison.Ordinal);
        Assert.EndsWith(
            "exec 8< <(printf '%b' '\\x06\\x00') && bwrap --dev-bind / / --cap-add ALL --die-with-parent --seccomp 8 -- '/opt/it'\\''s/virtiofsd' \"$@\" '-o' ':prefix:all:security.capability:user.virtiofs.::ok:all:::'; exit $?\n",
            script,
            StringComparison.Ordinal);
    }

    /// <summary>
    /// The real filter under the real bwrap, as host root (libvirt's virtiofsd, the worst case): every way coreutils has
    /// to make a setuid or setgid file or a device node is refused and leaves no bit; ordinary modes still work.
    /// </summary>
    [RequiresFact("bwrap", "bash", "mknod", "install", Root = true)]
    public async Task As_host_root_the_filter_refuses_setid_bits_and_devices_and_lets_ordinary_modes_through()
    {
        using var folder = new TempDirectory("diskless-setuid-");
        var host = new RealHost(folder.Path);
        const string Script =
            "cd \"$1\" && touch f && cp /bin/true t"
            + " && { chmod u+s f 2>/dev/null && echo chmod-u+s; true; }"
            + " && { chmod g+s f 2>/dev/null && echo chmod-g+s; true; }"
            + " && { chmod 6755 f 2>/dev/null && echo chmod-6755; true; }"
            + " && { install -m 4755 /bin/true i 2>/dev/null && echo install-4755; true; }"
            + " && { mkdir -m 2775 d 2>/dev/null && echo mkdir-2775; true; }"
            + " && { mknod n c 1 3 2>/dev/null && echo mknod-c; true; }"
            + " && { mknod b b 7 0 2>/dev/null && echo mknod-b; true; }"
            + " && chmod 755 t && chmod 0640 f && mkfifo p && mkdir -m 1777 s && echo ordinary-ok";
        var result = await host.Commands.RunAsync(
            SetuidGuard.Wrap(new CommandSpec("/bin/sh", "-c", Script, "sh", folder.Path), Filter) with { SuccessExitCodes = [0, 1] },
            CancellationToken.None);

        Assert.Equal((0, "ordinary-ok\n"), (result.ExitCode, result.StandardOutput));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(folder.Combine("f")));
        Assert.Equal((UnixFileMode)0x1ed, File.GetUnixFileMode(folder.Combine("t")));
        // install makes the file, then its chmod to 4755 is refused: the file is left without any bit.
        Assert.False(File.Exists(folder.Combine("i")) && (File.GetUnixFileMode(folder.Combine("i")) & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0);
        Assert.False(Directory.Exists(folder.Combine("d")));
        Assert.False(File.Exists(folder.Combine("n")) || File.Exists(folder.Combine("b")));
        Assert.Equal(UnixFileMode.StickyBit, File.GetUnixFileMode(folder.Combine("s")) & UnixFileMode.StickyBit);
    }

    /// <summary>
    /// The launcher (diskless up) exits long before the server should: the guarded program must outlive the process that
    /// started it, under the filter, and still end with the recorded pid when that is signalled (as halt does).
    /// </summary>
    [RequiresFact("bwrap", "bash", "sleep", Root = true, Timeout = 30000)]
    public async Task The_guarded_program_outlives_its_starter_and_ends_with_the_recorded_pid()
    {
        using var folder = new TempDirectory("diskless-setuid-");
        var host = new RealHost(folder.Path);
        var pidFile = folder.Combine("pid");
        var guarded = SetuidGuard.Wrap(new CommandSpec("/bin/sleep", "300"), Filter);
        var starter = new CommandSpec("/bin/sh", ["-c", "\"$@\" </dev/null >/dev/null 2>&1 & echo $! > \"$0\"; sleep 1", pidFile, guarded.FileName, .. guarded.Arguments]);

        await host.Commands.RunAsync(starter, CancellationToken.None);
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var tree = new List<int>();
        try
        {
            // The starter is gone; give a parent-death signal time to land, then the whole chain must still be there.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var bwrap = Assert.Single(Children(pid));
            var sleep = Assert.Single(Children(bwrap));
            tree.AddRange([sleep, bwrap, pid]);
            Assert.StartsWith("/bin/bash", host.Processes.CommandLine(pid), StringComparison.Ordinal);
            Assert.Equal("/bin/sleep 300", host.Processes.CommandLine(sleep)?.TrimEnd());
            Assert.Contains("Seccomp:\t2", await File.ReadAllTextAsync($"/proc/{sleep}/status"), StringComparison.Ordinal);

            using var term = System.Diagnostics.Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();

            foreach (var process in tree)
            {
                Assert.True(await host.Processes.WaitForExitAsync(process, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50), CancellationToken.None), $"pid {process} outlived the SIGTERM to {pid}");
            }
        }
        finally
        {
            foreach (var process in tree.Where(host.Processes.IsAlive))
            {
                using var kill = System.Diagnostics.Process.Start("kill", ["-KILL", process.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }
        }
    }

    private static List<int> Children(int pid)
    {
        var children = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(children)
            ? File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => int.Parse(w, System.Globalization.CultureInfo.InvariantCulture)).ToList()
            : [];
    }

    [RequiresFact("bwrap", "bash", Root = true)]
    public async Task Without_the_filter_the_same_chmod_sets_the_bit_so_the_test_above_measures_the_filter()
    {
        using var folder = new TempDirectory("diskless-setuid-");
        var host = new RealHost(folder.Path);
        var allowAll = SeccompAssembler.Encode(new SeccompAssembler().Return(SetuidFilter.Allow).Assemble());

        await host.Commands.RunAsync(SetuidGuard.Wrap(new CommandSpec("/bin/sh", "-c", "touch \"$1/f\" && chmod u+s \"$1/f\"", "sh", folder.Path), allowAll), CancellationToken.None);

        Assert.Equal(UnixFileMode.SetUser, File.GetUnixFileMode(folder.Combine("f")) & UnixFileMode.SetUser);
    }

    [RequiresFact("bwrap", "bash", Root = true)]
    public async Task A_filter_that_cannot_be_read_starts_nothing()
    {
        using var folder = new TempDirectory("diskless-setuid-");
        var host = new RealHost(folder.Path);

        var result = await host.Commands.RunAsync(
            SetuidGuard.Wrap(new CommandSpec("/bin/sh", "-c", "touch \"$1/ran\"", "sh", folder.Path), [0x06, 0x00, 0x00]) with { SuccessExitCodes = [0, 1] },
            CancellationToken.None);

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(File.Exists(folder.Combine("ran")));
    }
}
