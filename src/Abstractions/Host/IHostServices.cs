namespace Diskless.Abstractions;

/// <summary>What the host lends a plugin for one operation.</summary>
public interface IHostServices
{
    /// <summary>The one way to run external programs.</summary>
    ICommandRunner Commands { get; }

    /// <summary>The host's process table, for helpers recorded by pid; signals go through <see cref="Commands"/>.</summary>
    IProcessTable Processes { get; }

    /// <summary>The one way to run a program inside a root filesystem folder.</summary>
    IChroot Chroot { get; }

    /// <summary>Renders the Liquid templates embedded in a plugin's assembly.</summary>
    ITemplates Templates { get; }

    /// <summary>Where progress, warnings and verbose detail go.</summary>
    IProgressReporter Progress { get; }

    /// <summary>The data dir and its parts.</summary>
    HostPaths Paths { get; }

    /// <summary>Finds an executable by name on PATH and then in <paramref name="extraDirectories"/>; null when absent.</summary>
    string? FindExecutable(string name, params string[] extraDirectories);
}
