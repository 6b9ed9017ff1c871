using Diskless.Abstractions;
using Diskless.PluginSupport.Configure;
using Diskless.Testing;

namespace Diskless.PluginSupport.Tests;

/// <summary>The guest's service that keeps its cached FUSE inodes within what the host's virtiofsd may hold open.</summary>
public sealed class FuseReclaimTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_script_reads_the_hosts_bound_from_the_kernel_command_line_counts_fuse_inodes_and_drops_unused_ones_and_is_enabled_in_sysinit()
    {
        var edits = new SharedFiles(new TestHost(_temp.Combine("data")).Templates).FuseReclaim().ToList();

        var script = Assert.Single(edits.OfType<WriteFileEdit>(), e => e.GuestPath == SharedFiles.FuseReclaimScript);
        Assert.Equal(FileModes.Mode0755, script.Mode);
        Assert.StartsWith("#!/bin/bash\n", script.Content, StringComparison.Ordinal);
        Assert.Contains($"{GuestKernelArguments.FuseInodes}=*) threshold=${{word#*=}} ;;", script.Content, StringComparison.Ordinal);
        Assert.Contains("read -r inodes rest </sys/kernel/slab/fuse_inode/objects", script.Content, StringComparison.Ordinal);
        Assert.Contains("done </proc/slabinfo", script.Content, StringComparison.Ordinal);
        Assert.Contains("[[ $name == fuse_inode ]]", script.Content, StringComparison.Ordinal);
        Assert.Contains("echo 2 >/proc/sys/vm/drop_caches", script.Content, StringComparison.Ordinal);
        // Every 5 s while idle, every second past half its bound (a walk then has three quarters of the limit to spare).
        Assert.Contains("read -r -t $pause -u 3 _", script.Content, StringComparison.Ordinal);
        Assert.Contains("if (( inodes > bound / 2 )); then pause=1; else pause=5; fi", script.Content, StringComparison.Ordinal);
        var unit = Assert.Single(edits.OfType<WriteFileEdit>(), e => e.GuestPath == "/etc/systemd/system/diskless-fuse-reclaim.service");
        Assert.Contains($"ExecStart={SharedFiles.FuseReclaimScript}\n", unit.Content, StringComparison.Ordinal);
        Assert.Contains("WantedBy=sysinit.target", unit.Content, StringComparison.Ordinal);
        var link = Assert.Single(edits.OfType<SymlinkEdit>());
        Assert.Equal("/etc/systemd/system/sysinit.target.wants/diskless-fuse-reclaim.service", link.GuestPath);
        Assert.Equal(unit.GuestPath, link.Target);
    }

    [Fact]
    public void Without_the_bound_on_the_kernel_command_line_the_script_does_nothing()
    {
        var script = new SharedFiles(new TestHost(_temp.Combine("data")).Templates).FuseReclaim().OfType<WriteFileEdit>().First().Content;
        var path = _temp.Combine("reclaim");
        // The guest's /proc/cmdline swapped for one without the bound; the script must leave before it touches anything.
        File.WriteAllText(path, script.Replace("</proc/cmdline", "<<<'root=rootfs rw console=ttyS0'", StringComparison.Ordinal));

        var run = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [path]) { RedirectStandardOutput = true })!;
        var output = run.StandardOutput.ReadToEnd();
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(30)));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("No diskless.fuse_inodes= on the kernel command line (no virtiofs share): nothing to watch.\n", output);
    }
}
