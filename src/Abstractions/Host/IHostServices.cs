namespace Diskless.Abstractions;

/// <summary>What the host lends a plugin for one operation.</summary>
public interface IHostServices
{
    /// <summary>The one way to run external programs.</summary>
    ICommandRunner Commands { get; }

    /// <summary>The host's process table, for helpers recorded by pid; signals go through <see cref="Commands"/>.</summary>
    IProcessTable Processes { get; }

    /// <summary>
    /// The one way to run a program inside a root filesystem folder: a chroot for a host-owned root, the machine's
    /// sandbox (see <see cref="SandboxCommand"/>) when <see cref="Namespace"/> is set.
    /// </summary>
    IChroot Chroot { get; }

    /// <summary>
    /// The machine's user namespace when its roots belong to subordinate ids (the qemu provider, for root and for
    /// ordinary users alike); null when roots are host-owned. Every program that builds, changes or serves such a root
    /// is entered into it (<see cref="IUserNamespace.Enter"/>), so it runs as guest root, an unprivileged id on the host.
    /// </summary>
    IUserNamespace? Namespace { get; }

    /// <summary>Reads and edits the files of the root folder at <paramref name="rootDirectory"/> as its owner does.</summary>
    IRootFiles RootFiles(string rootDirectory);

    /// <summary>Renders the Liquid templates embedded in a plugin's assembly.</summary>
    ITemplates Templates { get; }

    /// <summary>Where progress, warnings and verbose detail go.</summary>
    IProgressReporter Progress { get; }

    /// <summary>The data dir and its parts.</summary>
    HostPaths Paths { get; }

    /// <summary>Finds an executable by name on PATH and then in <paramref name="extraDirectories"/>; null when absent.</summary>
    string? FindExecutable(string name, params string[] extraDirectories);
}
