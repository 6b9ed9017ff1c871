using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// A project's <c>.diskless/</c> folder (machine ids, keys, logs, pid files, locks) and the short runtime folders
/// for its Unix sockets.
/// </summary>
public sealed class ProjectState
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PublicFolder = PrivateFolder |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly RuntimeFolders _runtime;

    /// <summary>The state of the project in <paramref name="projectDirectory"/> (the Disklessfile's folder).</summary>
    public ProjectState(string projectDirectory, Func<string, string?>? environment = null, bool? isRoot = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectDirectory);
        ProjectDirectory = Path.GetFullPath(projectDirectory);
        _runtime = new RuntimeFolders(
            environment ?? Environment.GetEnvironmentVariable, isRoot ?? Environment.IsPrivilegedProcess, Isolation.HostIdentity.Current().Uid);
    }

    /// <summary>The project folder.</summary>
    public string ProjectDirectory { get; }

    /// <summary><c>&lt;project&gt;/.diskless</c>.</summary>
    public string StateDirectory => Path.Combine(ProjectDirectory, ".diskless");

    /// <summary><c>.diskless/machines</c>: one folder per machine.</summary>
    public string MachinesStateDirectory => Path.Combine(StateDirectory, "machines");

    /// <summary>
    /// Where the machines' socket folders go: <c>$XDG_RUNTIME_DIR/diskless</c>, <c>/run/diskless</c> for root, else a
    /// per-user folder in <c>/tmp</c> (see <see cref="RuntimeFolders"/>).
    /// </summary>
    public string RuntimeBaseDirectory => _runtime.Base;

    /// <summary><c>.diskless/machines/&lt;name&gt;</c>: key pair, known_hosts, console log, pid files, machine.json, lock.</summary>
    public string MachineStateDirectory(string machineName)
    {
        ArgumentException.ThrowIfNullOrEmpty(machineName);
        if (machineName.Contains('/', StringComparison.Ordinal) || machineName is "." or "..")
        {
            throw new ArgumentException($"'{machineName}' is not a machine name", nameof(machineName));
        }

        return Path.Combine(MachinesStateDirectory, machineName);
    }

    /// <summary>
    /// The socket folder of a machine: <c>$XDG_RUNTIME_DIR/diskless/&lt;hash&gt;</c>, or <c>/run/diskless/&lt;hash&gt;</c>
    /// for root. Socket paths must stay under 108 bytes, and project paths are often deep, hence a short hash.
    /// </summary>
    public string RuntimeDirectory(string machineId) => _runtime.MachineFolder(machineId);

    /// <summary>Creates <c>.diskless/</c> with a <c>.gitignore</c> holding <c>*</c>, so none of it is ever committed.</summary>
    public string EnsureStateDirectory()
    {
        Directory.CreateDirectory(StateDirectory, PublicFolder);
        var gitignore = Path.Combine(StateDirectory, ".gitignore");
        if (!File.Exists(gitignore))
        {
            File.WriteAllText(gitignore, "*\n");
        }

        return StateDirectory;
    }

    /// <summary>Creates the machine's state folder (0700: it holds the private key) and returns it.</summary>
    public string EnsureMachineStateDirectory(string machineName)
    {
        EnsureStateDirectory();
        var folder = MachineStateDirectory(machineName);
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!, PublicFolder);
        Directory.CreateDirectory(folder, PrivateFolder);
        return folder;
    }

    /// <summary>
    /// Creates (or checks) the machine's runtime folder and its parent, each the user's own, private and no link, and
    /// returns it; anything else there is refused (<see cref="RuntimeFolders"/>).
    /// </summary>
    public string EnsureRuntimeDirectory(string machineId) => _runtime.EnsureMachineFolder(machineId);
}
