using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests;

public sealed class VirtiofsdDescriptorsTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            2000                 20000                files
        Max locked memory         8388608              8388608              bytes

        """;

    [Fact]
    public void The_open_file_line_of_proc_limits_is_read_and_unlimited_is_the_largest_value()
    {
        Assert.Equal(new DescriptorLimit(2000, 20000), DescriptorLimit.ParseProcLimits(Limits));
        Assert.Equal(new DescriptorLimit(long.MaxValue, long.MaxValue), DescriptorLimit.ParseProcLimits("Max open files            unlimited            unlimited            files\n"));
        Assert.Null(DescriptorLimit.ParseProcLimits("Max cpu time              unlimited            unlimited            seconds\n"));
    }

    [Fact]
    public void Host_root_raises_virtiofsd_to_nr_open_and_anyone_else_raises_the_soft_limit_to_the_hard_one()
    {
        var own = new DescriptorLimit(1024, 20000);

        Assert.Equal(new DescriptorLimit(1_048_576, 1_048_576), VirtiofsdDescriptors.Planned(own, isRoot: true, nrOpen: 1_048_576));
        Assert.Equal(new DescriptorLimit(20000, 20000), VirtiofsdDescriptors.Planned(own, isRoot: false, nrOpen: 1_048_576));
        // Never lowered: a root whose hard limit is already past nr_open keeps it.
        Assert.Equal(new DescriptorLimit(20000, 20000), VirtiofsdDescriptors.Planned(own, isRoot: true, nrOpen: 4096));
        Assert.Equal(new DescriptorLimit(20000, 20000), VirtiofsdDescriptors.Planned(own, isRoot: true, nrOpen: null));
    }

    [Fact]
    public void Prlimit_runs_the_whole_command_outermost_with_soft_and_hard_limits()
    {
        var command = new CommandSpec("/usr/bin/unshare", "--user", "/usr/lib/qemu/virtiofsd", "--socket-path=/run/x") { Description = "virtiofsd" };

        var limited = VirtiofsdDescriptors.WithLimit(command, new DescriptorLimit(1_048_576, 1_048_576), "/usr/bin/prlimit");

        Assert.Equal("/usr/bin/prlimit", limited.FileName);
        Assert.Equal(["--nofile=1048576:1048576", "--", "/usr/bin/unshare", "--user", "/usr/lib/qemu/virtiofsd", "--socket-path=/run/x"], limited.Arguments);
        Assert.Equal("virtiofsd", limited.Description);
    }

    [Theory]
    [InlineData(2000, 484)]
    [InlineData(20000, 4984)]
    [InlineData(1_048_576, 262_128)]
    [InlineData(64, 1)]
    public void The_guest_may_cache_a_quarter_of_what_a_virtiofsd_may_hold_past_its_own_descriptors(long limit, long bound) =>
        Assert.Equal(bound, VirtiofsdDescriptors.FuseInodeBound(limit));

    [Fact]
    public void The_bound_is_added_to_the_kernel_command_line_only_when_a_share_is_served_over_virtiofs()
    {
        var virtiofs = Plan(new Share(Share.RootTag, "/m/root", "/", ShareTransport.VirtioFs));
        var ninePOnly = Plan(new Share(Share.RootTag, "/m/root", "/", ShareTransport.NineP));
        var nineProotVirtiofsFolder = Plan(
            new Share(Share.RootTag, "/m/root", "/", ShareTransport.NineP),
            new Share("share1", "/home/me/p", "/project", ShareTransport.VirtioFs));

        Assert.Equal("root=rootfs rw console=ttyS0 diskless.fuse_inodes=484", VirtiofsdDescriptors.KernelCommandLine(virtiofs, 2000));
        Assert.Equal("root=rootfs rw console=ttyS0 diskless.fuse_inodes=484", VirtiofsdDescriptors.KernelCommandLine(nineProotVirtiofsFolder, 2000));
        Assert.Equal("root=rootfs rw console=ttyS0", VirtiofsdDescriptors.KernelCommandLine(ninePOnly, 2000));
        Assert.Equal("root=rootfs rw console=ttyS0", VirtiofsdDescriptors.KernelCommandLine(virtiofs, null));
    }

    [Fact]
    public void A_forking_helper_is_read_at_its_busiest_descendant_with_its_own_limit()
    {
        using var proc = new TempDirectory();
        Plant(proc.Path, 100, open: 3, soft: 2000, children: [101]);
        Plant(proc.Path, 101, open: 5, soft: 2000, children: [102]);
        Plant(proc.Path, 102, open: 1600, soft: 1900, children: []);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(proc.Path, "sys", "fs")).FullName, "nr_open"), "1048576\n");
        var reader = new ProcDescriptors(proc.Path);

        var use = HelperDescriptors.Read(reader, 100, "virtiofsd");

        Assert.Equal(new DescriptorUse("virtiofsd", 102, 1600, 1900, 20000), use);
        Assert.True(use!.NearLimit);
        Assert.Equal(1_048_576, reader.NrOpen());
        Assert.Null(HelperDescriptors.Read(reader, 999, "virtiofsd"));
    }

    [Fact]
    public async Task A_helper_its_owner_cannot_read_is_counted_inside_its_user_namespace_at_its_busiest_descendant()
    {
        using var proc = new TempDirectory();
        Plant(proc.Path, 100, open: 3, soft: 2000, children: [101]);
        Plant(proc.Path, 101, open: 5, soft: 2000, children: []);
        Directory.Delete(Path.Combine(proc.Path, "100", "fdinfo"), recursive: true);
        Directory.Delete(Path.Combine(proc.Path, "101", "fdinfo"), recursive: true);
        var reader = new ProcDescriptors(proc.Path);
        var runner = new RecordingCommandRunner().Print(
            "nsenter", string.Concat(Enumerable.Repeat("/proc/100/fdinfo\n", 7)) + string.Concat(Enumerable.Repeat("/proc/101/fdinfo\n", 812)));

        var pids = HelperDescriptors.Tree(reader, 100);
        var counts = await NamespacedDescriptorCount.CountAsync(runner, pids, CancellationToken.None);

        Assert.Equal([100, 101], pids);
        Assert.Equal(new DescriptorUse("virtiofsd", 100, null, 2000, 20000), HelperDescriptors.Read(reader, 100, "virtiofsd"));
        Assert.Equal(new DescriptorUse("virtiofsd", 101, 812, 2000, 20000), HelperDescriptors.Read(reader.WithCounts(counts), 100, "virtiofsd"));
        Assert.Equal(
            "nsenter -t 100 -U -S 0 -G 0 -- find /proc/100/fdinfo /proc/101/fdinfo -mindepth 1 -maxdepth 1 -printf '%h\\n'",
            Assert.Single(runner.Commands).ToString());
    }

    [Fact]
    public async Task A_count_that_cannot_be_made_is_left_out_and_a_pid_it_did_not_list_is_absent()
    {
        var refused = new RecordingCommandRunner().Fail("nsenter", 1, "", "100");
        var failed = new RecordingCommandRunner().Fail("nsenter", 2, "nsenter: cannot open /proc/100/ns/user: Permission denied", "100");

        Assert.Empty(await NamespacedDescriptorCount.CountAsync(refused, [100], CancellationToken.None));
        Assert.Empty(await NamespacedDescriptorCount.CountAsync(failed, [100], CancellationToken.None));
        Assert.Equal(
            new Dictionary<int, int> { [100] = 2 },
            NamespacedDescriptorCount.Parse("/proc/100/fdinfo\n/proc/100/fdinfo\n/proc/1000/fdinfo\n", [100, 101]));
    }

    [Theory]
    [InlineData("000001ffffffffff", 1_048_576L)]
    [InlineData("000001fffeffffff", null)]
    public void Only_a_process_with_cap_sys_resource_may_raise_a_hard_limit_up_to_nr_open(string effective, long? ceiling)
    {
        using var proc = new TempDirectory();
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(proc.Path, "sys", "fs")).FullName, "nr_open"), "1048576\n");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(proc.Path, "self")).FullName, "status"), $"Name:\tdiskless\nCapPrm:\t000001ffffffffff\nCapEff:\t{effective}\n");

        Assert.Equal(ceiling, new ProcDescriptors(proc.Path).RaiseCeiling());
    }

    private static void Plant(string proc, int pid, int open, long soft, int[] children)
    {
        var folder = Directory.CreateDirectory(Path.Combine(proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(folder, "limits"), Limits.Replace("2000                 20000", $"{soft,-20} 20000", StringComparison.Ordinal));
        var fd = Directory.CreateDirectory(Path.Combine(folder, "fdinfo")).FullName;
        for (var i = 0; i < open; i++)
        {
            File.WriteAllText(Path.Combine(fd, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        }

        var task = Directory.CreateDirectory(Path.Combine(folder, "task", pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(task, "children"), string.Join(' ', children) + (children.Length > 0 ? " " : ""));
    }

    private static BootPlan Plan(params Share[] shares) => new(
        "dev", "0b7e4c", new BootArtifacts("/m/root/boot/vmlinuz", "/m/root/boot/initrd.img", "root=rootfs rw console=ttyS0"),
        2, 1024, new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null), shares, [], 2222, "/state", "/run/x", "/state/console.log");
}
