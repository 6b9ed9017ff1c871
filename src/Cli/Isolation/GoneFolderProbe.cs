namespace Diskless.Cli.Isolation;

/// <summary>The host as <paramref name="inner"/> sees it, but for a folder that is gone, which reads as <paramref name="status"/> (<see cref="MachineIsolation.ForGoneProject"/>).</summary>
internal sealed class GoneFolderProbe(IIsolationProbe inner, string folder, FileStatus status) : IIsolationProbe
{
    /// <inheritdoc />
    public string? ReadText(string path) => inner.ReadText(path);

    /// <inheritdoc />
    public string? FindProgram(string name) => inner.FindProgram(name);

    /// <inheritdoc />
    public FileStatus? Status(string path) => path == folder && inner.Status(path) is null ? status : inner.Status(path);

    /// <inheritdoc />
    public byte[]? Capabilities(string path) => inner.Capabilities(path);
}
