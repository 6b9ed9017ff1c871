using Diskless.Cli.Agent.Watch;

namespace Diskless.Cli.Tests.Agent.Watch;

public sealed class GuestMessagesTests
{
    private static readonly WatchedFolder Folder = new("/h", "/g");
    private readonly Dictionary<string, HostFileState> _host = new(StringComparer.Ordinal)
    {
        ["/h"] = new(10, 0, 4096, 1, true),
        ["/h/a"] = new(1700000000, 123456789, 3, 2, false),
        ["/h/d"] = new(20, 5, 4096, 3, true),
    };

    private GuestMessages Messages() => new((folder, path) => _host.GetValueOrDefault(path));

    [Fact]
    public void A_modified_file_gets_its_guest_path_in_hex_and_its_exact_host_mtime()
    {
        var lines = Messages().For([new HostChange(Folder, "/h/a", false)]);

        Assert.Equal([$"M\t{GuestMessages.Hex("/g/a")}\t1700000000\t123456789\t0"], lines);
        Assert.Equal("2f672f61", GuestMessages.Hex("/g/a"));
    }

    [Fact]
    public void A_created_file_gets_its_own_line_and_its_folder_one_with_the_folders_mtime()
    {
        var lines = Messages().For([new HostChange(Folder, "/h/a", true)]);

        Assert.Equal([$"M\t{GuestMessages.Hex("/g/a")}\t1700000000\t123456789\t0", $"F\t{GuestMessages.Hex("/g")}\t10\t0"], lines);
    }

    [Fact]
    public void A_path_that_is_gone_gets_only_its_folders_line_once_for_many_names()
    {
        var lines = Messages().For([new HostChange(Folder, "/h/d/x", true), new HostChange(Folder, "/h/d/y", true), new HostChange(Folder, "/h/d/z", false)]);

        Assert.Equal([$"F\t{GuestMessages.Hex("/g/d")}\t20\t5"], lines);
    }

    [Fact]
    public void The_host_events_of_the_guest_sides_own_operations_are_not_sent_back()
    {
        var messages = Messages();
        Assert.Single(messages.For([new HostChange(Folder, "/h/a", false)]));

        // Setting the mtime to its value, opening for writing and closing: the host hears it, the state is the same.
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
        Assert.Equal([$"F\t{GuestMessages.Hex("/g/d")}\t20\t5"], messages.For([new HostChange(Folder, "/h/d/gone", true)]));

        Assert.Empty(messages.For([new HostChange(Folder, "/h/d", false)]));
    }

    [Fact]
    public void Changes_outside_the_folder_or_of_the_guest_sides_names_are_dropped()
    {
        Assert.Empty(Messages().For([new HostChange(Folder, "/elsewhere/a", false), new HostChange(Folder, "/h/.diskless-watch-1-2", true)]));
    }
}
