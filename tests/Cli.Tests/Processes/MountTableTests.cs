using Diskless.Cli.Processes;

namespace Diskless.Cli.Tests.Processes;

public sealed class MountTableTests
{
    [Fact]
    public void Mount_points_with_escaped_spaces_are_read_back_as_written()
    {
        const string mountinfo = """
            22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw
            95 22 0:45 / /srv/my\040root/dev rw master:2 - devtmpfs udev rw,size=100k
            """;

        var entries = MountTable.Parse(mountinfo);

        Assert.Equal(2, entries.Count);
        Assert.Equal(new MountEntry(95, 22, "/srv/my root/dev", "devtmpfs", "udev"), entries[1]);
        Assert.Equal("proc", entries[0].FileSystemType);
    }

    [Fact]
    public void The_current_table_holds_the_root_mount()
    {
        Assert.Contains(MountTable.Read(), m => m.MountPoint == "/");
    }
}
