using System.Text;
using Diskless.Abstractions;
using Diskless.Cli.Processes;

namespace Diskless.Cli.State;

/// <summary>
/// Where the host keeps a project's state: <c>projects/&lt;key&gt;/</c> in the data dir (machine records, keys, logs, pid
/// files, locks), the key taken from the project folder's real path; and the short runtime folders for its Unix
/// sockets. The project itself keeps nothing the host trusts: it is usually a synced folder, which the guest writes.
/// </summary>
public sealed class ProjectState
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly RuntimeFolders _runtime;

    /// <summary>The state of the project in <paramref name="projectDirectory"/> (the Disklessfile's folder), kept in <paramref name="paths"/>' data dir.</summary>
    public ProjectState(string projectDirectory, HostPaths paths, Func<string, string?>? environment = null, bool? isRoot = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectDirectory);
        ArgumentNullException.ThrowIfNull(paths);
        ProjectDirectory = Path.GetFullPath(projectDirectory);
        Paths = paths;
        RealProjectDirectory = RealPath.Resolve(Path.TrimEndingDirectorySeparator(ProjectDirectory));
        _runtime = new RuntimeFolders(
            environment ?? Environment.GetEnvironmentVariable, isRoot ?? Environment.IsPrivilegedProcess, Isolation.HostIdentity.CurrentUid());
    }

    /// <summary>The project folder.</summary>
    public string ProjectDirectory { get; }

    /// <summary>The project folder with every link resolved: what names the project in the data dir.</summary>
    public string RealProjectDirectory { get; }

    /// <summary>The data dir the state lives in.</summary>
    public HostPaths Paths { get; }

    /// <summary>
    /// Where the data dir is recorded when state is made in it, for <c>diskless global-status</c>; null records nowhere
    /// (tests, and readers such as completion).
    /// </summary>
    public DataDirectoryRegistry? Registry { get; init; }

    /// <summary><c>projects/&lt;key&gt;</c> in the data dir.</summary>
    public string StateDirectory => Path.Combine(Paths.ProjectsDirectory, KeyOf(RealProjectDirectory));

    /// <summary><c>projects/&lt;key&gt;/machines</c>: one folder per machine.</summary>
    public string MachinesStateDirectory => Path.Combine(StateDirectory, "machines");

    /// <summary>
    /// Where earlier versions kept the state, <c>&lt;project&gt;/.diskless/machines</c>: read once, untrusted, to move a
    /// machine over (<see cref="LegacyMachineState"/>).
    /// </summary>
    public string LegacyMachinesDirectory => Path.Combine(ProjectDirectory, ".diskless", "machines");

    /// <summary>
    /// The name of a project folder in <c>projects/</c>: 16 hex digits of the SHA-256 of its real path (hashed in
    /// managed code, <see cref="ManagedSha256"/>: every machine command needs it, and OpenSSL's start costs about 10 ms
    /// of CPU).
    /// </summary>
    public static string KeyOf(string realProjectDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(realProjectDirectory);
        var digest = ManagedSha256.HashData(Encoding.UTF8.GetBytes(realProjectDirectory));
        // Hex by hand: Convert's vectorised encoder is not precompiled, and the JIT would cost more than the hash.
        Span<char> key = stackalloc char[16];
        for (var i = 0; i < key.Length; i++)
        {
            var nibble = (digest[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
            key[i] = (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
        }

        return new string(key);
    }

    /// <summary>
    /// Where the machines' socket folders go: <c>$XDG_RUNTIME_DIR/diskless</c>, <c>/run/diskless</c> for root, else a
    /// per-user folder in <c>/tmp</c> (see <see cref="RuntimeFolders"/>).
    /// </summary>
    public string RuntimeBaseDirectory => _runtime.Base;

    /// <summary>Makes (or checks) <see cref="RuntimeBaseDirectory"/>, the session folder it lies in too, and returns it (<see cref="RuntimeFolders.EnsureBase"/>).</summary>
    public string EnsureRuntimeBaseDirectory() => _runtime.EnsureBase();

    /// <summary><c>projects/&lt;key&gt;/machines/&lt;name&gt;</c>: key pair, known_hosts, console log, pid files, machine.json, lock.</summary>
    public string MachineStateDirectory(string machineName) => Path.Combine(MachinesStateDirectory, CheckedName(machineName));

    /// <summary>The state folder an earlier version kept for a machine, in the project.</summary>
    public string LegacyMachineStateDirectory(string machineName) => Path.Combine(LegacyMachinesDirectory, CheckedName(machineName));

    /// <summary>
    /// The socket folder of a machine: <c>$XDG_RUNTIME_DIR/diskless/&lt;hash&gt;</c>, or <c>/run/diskless/&lt;hash&gt;</c>
    /// for root. Socket paths must stay under 108 bytes, and project paths are often deep, hence a short hash.
    /// </summary>
    public string RuntimeDirectory(string machineId) => _runtime.MachineFolder(machineId);

    /// <summary>
    /// Creates the data dir's folders and the project's state folder (0700), and records which folder the project is
    /// (<c>project.json</c>, for <c>adopt</c> and for finding the machines of a project that moved).
    /// </summary>
    public string EnsureStateDirectory()
    {
        DataDirectory.EnsureCreated(Paths);
        Directory.CreateDirectory(StateDirectory, PrivateFolder);
        ProjectEntry.EnsureWritten(StateDirectory, RealProjectDirectory);
        try
        {
            Registry?.Record(Paths.DataDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only global-status reads the list, and it lists the data dir of the command that runs it all the same.
        }

        return StateDirectory;
    }

    /// <summary>Creates the machine's state folder (0700: it holds the private key) and returns it.</summary>
    public string EnsureMachineStateDirectory(string machineName)
    {
        EnsureStateDirectory();
        var folder = MachineStateDirectory(machineName);
        Directory.CreateDirectory(MachinesStateDirectory, PrivateFolder);
        Directory.CreateDirectory(folder, PrivateFolder);
        return folder;
    }

    /// <summary>
    /// Machines named <paramref name="machineName"/> whose project folder is gone: most likely this project before it
    /// moved, whose machine <c>diskless adopt</c> takes over. Their project folders, the newest first.
    /// </summary>
    public IReadOnlyList<string> MovedFrom(string machineName)
    {
        if (!Directory.Exists(Paths.ProjectsDirectory))
        {
            return [];
        }

        // Status asks this of every machine not created: a loop, and the record's existence before the entry's JSON,
        // which most projects' folders need not parse (they have no machine of that name).
        var moved = new List<ProjectEntry>();
        foreach (var folder in Directory.EnumerateDirectories(Paths.ProjectsDirectory))
        {
            if (File.Exists(MachineRecordStore.PathIn(Path.Combine(folder, "machines", CheckedName(machineName))))
                && ProjectEntry.Read(folder) is { } entry
                && entry.Path != RealProjectDirectory
                && !Directory.Exists(entry.Path))
            {
                moved.Add(entry);
            }
        }

        return moved.Count == 0 ? [] : [.. moved.OrderByDescending(e => e.CreatedAt).Select(e => e.Path)];
    }

    /// <summary>
    /// Creates (or checks) the machine's runtime folder and its parent, each the user's own, private and no link, and
    /// returns it; anything else there is refused (<see cref="RuntimeFolders"/>).
    /// </summary>
    public string EnsureRuntimeDirectory(string machineId) => _runtime.EnsureMachineFolder(machineId);

    private static string CheckedName(string machineName)
    {
        ArgumentException.ThrowIfNullOrEmpty(machineName);
        return machineName.Contains('/', StringComparison.Ordinal) || machineName is "." or ".."
            ? throw new ArgumentException($"'{machineName}' is not a machine name", nameof(machineName))
            : machineName;
    }
}
