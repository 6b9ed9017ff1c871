namespace Diskless.Cli.Isolation;

/// <summary>The host facts <see cref="UserNamespacePrerequisites"/> reads; a seam so that every failure can be tested.</summary>
public interface IIsolationProbe
{
    /// <summary>The text of a file (a sysctl under /proc/sys, /etc/subuid); null when it does not exist.</summary>
    string? ReadText(string path);

    /// <summary>The absolute path of a program on PATH; null when there is none.</summary>
    string? FindProgram(string name);

    /// <summary>Owner and mode of a file; null when it does not exist.</summary>
    FileStatus? Status(string path);

    /// <summary>The raw security.capability attribute of a file; null when it has none.</summary>
    byte[]? Capabilities(string path);
}
