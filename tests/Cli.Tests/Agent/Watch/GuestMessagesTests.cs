using Diskless.Cli.Agent.Watch;

namespace Diskless.Cli.Tests.Agent.Watch;

public sealed class GuestMessagesTests
{
    private static readonly WatchedFolder Folder = new("/h", "/g");
    private readonly Dictionary<string, HostFileState> _host = new(StringComparer.Ordinal)
    {
        ["/h"] = new(10, 0, 4096, 1, true, 11, 1),
        ["/h/a"] = new(1700000000, 123456789, 3, 2, false, 1700000001, 987654321),
        ["/h/d"] = new(20, 5, 4096, 3, true, 21, 6),
    };

    private GuestMessages Messages() => new((folder, path) => _host.GetValueOrDefault(path));

    [Fact]
    public void A_modified_file_gets_its_guest_path_in_hex_and_its_exact_host_mtime_ctime_and_size()
    {
        var lines = Messages().For([new HostChange(Folder, "/h/a", false)]);

        Assert.Equal([$"M\t{GuestMessages.Hex("/g/a")}\t1700000000\t123456789\t0\t1700000001\t987654321\t3"], lines);
        Assert.Equal("2f672f61", GuestMessages.Hex("/g/a"));
    }

    [Fact]
    public void A_created_file_gets_its_own_line_and_its_folder_one_with_the_folders_mtime()
    {
        var lines = Messages().For([new HostChange(Folder, "/h/a", true)]);

        Assert.Equal([$"M\t{GuestMessages.Hex("/g/a")}\t1700000000\t123456789\t0\t1700000001\t987654321\t3", $"F\t{GuestMessages.Hex("/g")}\t10\t0\t11\t1\t4096"], lines);
    }

    [Fact]
    public void A_path_that_is_gone_gets_only_its_folders_line_once_for_many_names()
    {
        var lines = Messages().For([new HostChange(Folder, "/h/d/x", true), new HostChange(Folder, "/h/d/y", true), new HostChange(Folder, "/h/d/z", false)]);

        Assert.Equal([$"F\t{GuestMessages.Hex("/g/d")}\t20\t5\t21\t6\t4096"], lines);
    }

    [Fact]
    public void The_host_events_of_the_guest_sides_own_operations_are_not_sent_back()
    {
        var messages = Messages();
        Assert.Single(messages.For([new HostChange(Folder, "/h/a", false)]));

        // Setting the mtime to its value, opening for writing and closing: the host hears it, the state is the same
        // but for the ctime, which the setattr moved.
        _host["/h/a"] = _host["/h/a"] with { CtimeSeconds = 1700000100 };
        Assert.Empty(messages.For([new HostChange(Folder, "/h/a", false)]));
        Assert.Single(messages.For([new HostChange(Folder, "/h/d", false)]));
        Assert.Empty(messages.For([new HostChange(Folder, "/h/d", false)]));

        _host["/h/a"] = _host["/h/a"] with { MtimeNanoseconds = 123456790 };
        Assert.Single(messages.For([new HostChange(Folder, "/h/a", false)]));
    }

    [Fact]
    public void A_folder_told_in_a_folder_line_is_not_sent_again_when_its_mtime_is_set_back()
    {
        var messages = Messages();
        Assert.Equal([$"F\t{GuestMessages.Hex("/g/d")}\t20\t5\t21\t6\t4096"], messages.For([new HostChange(Folder, "/h/d/gone", true)]));

        Assert.Empty(messages.For([new HostChange(Folder, "/h/d", false)]));
    }

    [Fact]
    public void Changes_outside_the_folder_or_of_the_guest_sides_names_are_dropped()
    {
        Assert.Empty(Messages().For([new HostChange(Folder, "/elsewhere/a", false), new HostChange(Folder, "/h/.diskless-watch-1-2", true)]));
    }
}
