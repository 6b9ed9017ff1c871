namespace Diskless.Abstractions;

/// <summary>
/// Builds the bwrap command that runs a program of a machine's root, which may be a booted and so untrusted root,
/// with nothing of the host in reach: the root as "/", fresh /proc, /dev and /tmp, its own pid, network, ipc,
/// uts and cgroup namespaces, a new session (no TIOCSTI into the caller's terminal) and a clean environment. Run the
/// result through <see cref="IUserNamespace.Enter"/>: bwrap then runs as guest root and creates no user namespace
/// of its own, so the machine's whole <see cref="IdMap"/> stays in force (a nested one would map only root).
/// </summary>
public static class SandboxCommand
{
    /// <summary>The PATH the program sees.</summary>
    public const string SearchPath = "/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// The bwrap command running <paramref name="program"/> (a path inside <paramref name="rootDirectory"/>, or a name
    /// on <see cref="SearchPath"/>) with <paramref name="rootDirectory"/> as its root. The program's environment
    /// variables and working directory are passed into the sandbox; the rest of its settings are kept.
    /// </summary>
    public static CommandSpec Build(string rootDirectory, CommandSpec program, IReadOnlyList<SandboxBind>? readOnlyBinds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        ArgumentNullException.ThrowIfNull(program);
        if (!Path.IsPathFullyQualified(rootDirectory))
        {
            throw new ArgumentException($"the sandbox root must be an absolute path, not '{rootDirectory}'", nameof(rootDirectory));
        }

        if (program.RequiresRoot)
        {
            // sudo would wrap bwrap in host root: exactly what the sandbox exists to avoid.
            throw new ArgumentException("a sandboxed program runs as guest root and cannot ask for host root", nameof(program));
        }

        List<string> arguments =
        [
            .. Isolated,
            "--bind", rootDirectory, "/",
            "--proc", "/proc",
            "--dev", "/dev",
            "--perms", "1777", "--tmpfs", "/tmp",
            .. Environment(program),
        ];

        foreach (var bind in readOnlyBinds ?? [])
        {
            if (!Path.IsPathFullyQualified(bind.HostPath) || !Path.IsPathFullyQualified(bind.SandboxPath))
            {
                throw new ArgumentException($"sandbox binds need absolute paths: '{bind.HostPath}' -> '{bind.SandboxPath}'", nameof(readOnlyBinds));
            }

            arguments.AddRange(["--ro-bind", bind.HostPath, bind.SandboxPath]);
        }

        if (program.WorkingDirectory is not null)
        {
            arguments.AddRange(["--chdir", program.WorkingDirectory]);
        }

        return Wrap(program, arguments);
    }

    /// <summary>
    /// Builds the bwrap command that runs a host program (<paramref name="program"/>, found on <see cref="SearchPath"/>
    /// in the host's own <c>/usr</c>, shown read-only) over <paramref name="folder"/>, shown writable at
    /// <see cref="ConfinedFolder"/>, and nothing else of the host: no /home, /root, /etc, /var, /proc or /dev. It is how a
    /// tree a guest can change while it is read (a running machine's root) is copied: a folder the guest swaps for a
    /// link mid-walk is resolved in this view, where an absolute link leads nowhere outside <paramref name="folder"/>.
    /// Entries of <paramref name="folder"/> the program must not see are covered: <paramref name="hiddenFolders"/> by
    /// an empty tmpfs, <paramref name="hiddenFiles"/> by /dev/null. One mount for the whole folder, so a copy inside it
    /// can share blocks (FICLONE needs source and target on one mount). Unlike <see cref="Build"/> the program may run
    /// as host root (<see cref="CommandSpec.RequiresRoot"/>, for host-owned trees): it is the host's program, not the tree's.
    /// Arguments name paths as the program sees them (<see cref="ConfinedPath"/>).
    /// </summary>
    public static CommandSpec BuildConfined(
        string folder, IReadOnlyList<string> hiddenFolders, IReadOnlyList<string> hiddenFiles, IReadOnlyList<HostProgramFolder> programFolders, CommandSpec program)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(hiddenFolders);
        ArgumentNullException.ThrowIfNull(hiddenFiles);
        ArgumentNullException.ThrowIfNull(programFolders);
        ArgumentNullException.ThrowIfNull(program);
        if (!Path.IsPathFullyQualified(folder))
        {
            throw new ArgumentException($"the sandbox folder must be an absolute path, not '{folder}'", nameof(folder));
        }

        List<string> arguments = [.. Isolated];
        foreach (var programFolder in programFolders)
        {
            arguments.AddRange(programFolder.LinkTarget is { } target
                ? ["--symlink", target, programFolder.Path]
                : ["--ro-bind", programFolder.Path, programFolder.Path]);
        }

        arguments.AddRange(["--bind", folder, ConfinedFolder]);
        foreach (var hidden in hiddenFolders)
        {
            arguments.AddRange(["--tmpfs", ConfinedPath(folder, hidden)]);
        }

        foreach (var hidden in hiddenFiles)
        {
            arguments.AddRange(["--ro-bind", "/dev/null", ConfinedPath(folder, hidden)]);
        }

        arguments.AddRange(["--chdir", ConfinedFolder]);
        arguments.AddRange(Environment(program));
        return Wrap(program, arguments);
    }

    /// <summary>Where the program of <see cref="BuildConfined"/> sees <paramref name="hostPath"/>, a path inside <paramref name="folder"/>.</summary>
    public static string ConfinedPath(string folder, string hostPath)
    {
        var relative = Path.GetRelativePath(folder, hostPath);
        if (Path.IsPathFullyQualified(relative) || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{hostPath}' is not inside '{folder}'", nameof(hostPath));
        }

        return relative == "." ? ConfinedFolder : ConfinedFolder + "/" + relative;
    }

    /// <summary>
    /// The host's program folders as they are: <c>/usr</c>, and <c>/bin</c>, <c>/sbin</c> and the <c>/lib*</c>
    /// folders that exist, each a link (merged /usr) or a folder. Nothing of <c>/etc</c>: a program that needs its
    /// configuration does not belong in a confined sandbox.
    /// </summary>
    public static IReadOnlyList<HostProgramFolder> HostProgramFolders()
    {
        var found = new List<HostProgramFolder>();
        foreach (var path in new[] { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" })
        {
            var entry = new FileInfo(path);
            if (entry.LinkTarget is { } target)
            {
                found.Add(new HostProgramFolder(path, target));
            }
            else if (Directory.Exists(path))
            {
                found.Add(new HostProgramFolder(path, null));
            }
        }

        return found;
    }

    /// <summary>Where <see cref="BuildConfined"/> shows its folder.</summary>
    public const string ConfinedFolder = "/data";

    private static readonly string[] Isolated =
    [
        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup",
        "--die-with-parent", "--new-session",
    ];

    private static List<string> Environment(CommandSpec program)
    {
        List<string> arguments =
        [
            "--clearenv",
            "--setenv", "PATH", SearchPath,
            "--setenv", "HOME", "/root",
            "--setenv", "LANG", "C.UTF-8",
        ];
        foreach (var (name, value) in program.Environment)
        {
            arguments.AddRange(value is null ? ["--unsetenv", name] : ["--setenv", name, value]);
        }

        return arguments;
    }

    private static CommandSpec Wrap(CommandSpec program, List<string> arguments)
    {
        arguments.Add("--");
        arguments.Add(program.FileName);
        arguments.AddRange(program.Arguments);
        return program with
        {
            FileName = "bwrap",
            Arguments = arguments,
            WrappedProgram = program.ShownProgram,
            Description = program.Description ?? Path.GetFileName(program.FileName),
            WorkingDirectory = null,
            Environment = new Dictionary<string, string?>(),
        };
    }
}

/// <summary>A top-level folder of the host's programs, as <see cref="SandboxCommand.BuildConfined"/> shows it.</summary>
/// <param name="Path">The absolute path, the same inside the sandbox.</param>
/// <param name="LinkTarget">What it links to (merged /usr: <c>/bin</c> is <c>usr/bin</c>); null for a folder, shown read-only.</param>
public sealed record HostProgramFolder(string Path, string? LinkTarget);
