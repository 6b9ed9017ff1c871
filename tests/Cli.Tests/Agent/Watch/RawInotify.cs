using System.Text;
using Diskless.Cli.Agent.Watch;

namespace Diskless.Cli.Tests.Agent.Watch;

/// <summary>What a watcher in the guest would hear: every inotify event on one folder, named as inotifywait names them.</summary>
internal sealed class RawInotify : IDisposable
{
    private static readonly (uint Bit, string Name)[] Names =
    [
        (0x1, "ACCESS"), (0x2, "MODIFY"), (0x4, "ATTRIB"), (0x8, "CLOSE_WRITE"), (0x10, "CLOSE_NOWRITE"), (0x20, "OPEN"),
        (0x40, "MOVED_FROM"), (0x80, "MOVED_TO"), (0x100, "CREATE"), (0x200, "DELETE"), (0x40000000, "ISDIR"),
    ];

    private readonly int _fd = Inotify.Init();

    public RawInotify(string folder) => Assert.True(Inotify.AddWatch(_fd, folder, 0xfff) >= 0);

    /// <summary>The events so far, "EVENT,EVENT name" (name empty for the folder itself), waiting up to <paramref name="ms"/> for the first.</summary>
    public List<string> Take(int ms)
    {
        var events = new List<string>();
        var buffer = new byte[65536];
        while (Inotify.Wait(_fd, events.Count == 0 ? ms : 50))
        {
            var read = Inotify.Read(_fd, buffer);
            for (var at = 0; at + 16 <= read;)
            {
                var mask = BitConverter.ToUInt32(buffer, at + 4);
                var length = (int)BitConverter.ToUInt32(buffer, at + 12);
                var name = Encoding.UTF8.GetString(buffer, at + 16, length).TrimEnd('\0');
                events.Add(string.Join(',', Names.Where(n => (mask & n.Bit) != 0).Select(n => n.Name)) + " " + name);
                at += 16 + length;
            }
        }

        return events;
    }

    public void Dispose() => Inotify.Close(_fd);
}
