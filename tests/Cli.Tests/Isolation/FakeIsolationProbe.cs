using Diskless.Cli.Isolation;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>A host where every prerequisite of an ordinary user's namespace is met until a test takes one away.</summary>
internal sealed class FakeIsolationProbe : IIsolationProbe
{
    public const UnixFileMode SetuidRoot = UnixFileMode.SetUser | (UnixFileMode)0b111_101_101;

    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal)
    {
        [UserNamespacePrerequisites.MaxUserNamespaces] = "96364\n",
        [SubordinateIds.UidFile] = "dltest:100000:65536\n",
        [SubordinateIds.GidFile] = "dltest:100000:65536\n",
    };

    public Dictionary<string, string> Programs { get; } = new(StringComparer.Ordinal)
    {
        ["newuidmap"] = "/usr/bin/newuidmap",
        ["newgidmap"] = "/usr/bin/newgidmap",
    };

    public Dictionary<string, FileStatus> Statuses { get; } = new(StringComparer.Ordinal)
    {
        ["/usr/bin/newuidmap"] = new FileStatus(0, 0, SetuidRoot),
        ["/usr/bin/newgidmap"] = new FileStatus(0, 0, SetuidRoot),
    };

    public Dictionary<string, byte[]> FileCapabilities { get; } = new(StringComparer.Ordinal);

    public string? ReadText(string path) => Files.GetValueOrDefault(path);

    public string? FindProgram(string name) => Programs.GetValueOrDefault(name);

    public FileStatus? Status(string path) => Statuses.GetValueOrDefault(path);

    public byte[]? Capabilities(string path) => FileCapabilities.GetValueOrDefault(path);
}
