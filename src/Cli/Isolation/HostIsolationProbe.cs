using Diskless.Cli.Processes;

namespace Diskless.Cli.Isolation;

/// <summary>The real host behind <see cref="IIsolationProbe"/>.</summary>
public sealed class HostIsolationProbe : IIsolationProbe
{
    /// <inheritdoc />
    public string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public string? FindProgram(string name) => ExecutableFinder.Find(name);

    /// <inheritdoc />
    public FileStatus? Status(string path) => FileStatus.Read(path);

    /// <inheritdoc />
    public byte[]? Capabilities(string path) => FileCapabilities.ReadAttribute(path);
}
