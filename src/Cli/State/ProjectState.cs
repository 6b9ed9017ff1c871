using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

    private readonly Func<string, string?> _environment;
    private readonly bool _isRoot;

    /// <summary>The state of the project in <paramref name="projectDirectory"/> (the Disklessfile's folder).</summary>
    public ProjectState(string projectDirectory, Func<string, string?>? environment = null, bool? isRoot = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectDirectory);
        ProjectDirectory = Path.GetFullPath(projectDirectory);
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _isRoot = isRoot ?? Environment.IsPrivilegedProcess;
    }

    /// <summary>The project folder.</summary>
    public string ProjectDirectory { get; }

    /// <summary><c>&lt;project&gt;/.diskless</c>.</summary>
    public string StateDirectory => Path.Combine(ProjectDirectory, ".diskless");

    /// <summary><c>.diskless/machines</c>: one folder per machine.</summary>
    public string MachinesStateDirectory => Path.Combine(StateDirectory, "machines");

    /// <summary>
    /// Where the machines' socket folders go: <c>$XDG_RUNTIME_DIR/diskless</c>, <c>/run/diskless</c> for root, else a
    /// per-user folder in <c>/tmp</c>.
    /// </summary>
    public string RuntimeBaseDirectory => RuntimeBase();

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
    public string RuntimeDirectory(string machineId)
    {
        ArgumentException.ThrowIfNullOrEmpty(machineId);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(machineId)))[..10];
        return Path.Combine(RuntimeBaseDirectory, hash);
    }

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

    /// <summary>Creates the machine's runtime folder (and its parent) with mode 0700 and returns it.</summary>
    public string EnsureRuntimeDirectory(string machineId)
    {
        var folder = RuntimeDirectory(machineId);
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!, PrivateFolder);
        Directory.CreateDirectory(folder, PrivateFolder);
        File.SetUnixFileMode(folder, PrivateFolder);
        return folder;
    }

    private string RuntimeBase()
    {
        if (_isRoot)
        {
            return "/run/diskless";
        }

        if (_environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Path.IsPathRooted(runtime))
        {
            return Path.Combine(runtime, "diskless");
        }

        // No session runtime folder (a cron job, a container): a per-user folder in /tmp, still short.
        var uid = new ProcProcessTable().OwnerUid(Environment.ProcessId)?.ToString(CultureInfo.InvariantCulture) ?? Environment.UserName;
        return Path.Combine("/tmp", "diskless-" + uid);
    }
}
