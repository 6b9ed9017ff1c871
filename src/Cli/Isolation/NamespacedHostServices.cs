using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>
/// The host's services for a machine in a user namespace: the same runner, templates, progress and paths, but the
/// chroot is the sandbox and root files are read and edited inside it, as guest root.
/// </summary>
internal sealed class NamespacedHostServices(IHostServices inner, IUserNamespace userNamespace) : IHostServices
{
    public ICommandRunner Commands => inner.Commands;

    public IProcessTable Processes => inner.Processes;

    public IChroot Chroot { get; } = new SandboxChroot(userNamespace, inner.Commands);

    public ITemplates Templates => inner.Templates;

    public IProgressReporter Progress => inner.Progress;

    public HostPaths Paths => inner.Paths;

    public IUserNamespace? Namespace => userNamespace;

    // Staged edits go to the data dir's temp folder, which guest root can reach (see GuestRootFolders).
    public IRootFiles RootFiles(string rootDirectory) => new NamespacedRootFiles(rootDirectory, userNamespace, inner.Commands, inner.Paths.TempDirectory);

    public string? FindExecutable(string name, params string[] extraDirectories) => inner.FindExecutable(name, extraDirectories);
}
