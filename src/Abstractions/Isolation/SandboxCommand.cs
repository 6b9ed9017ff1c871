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
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup",
            "--die-with-parent", "--new-session",
            "--bind", rootDirectory, "/",
            "--proc", "/proc",
            "--dev", "/dev",
            "--perms", "1777", "--tmpfs", "/tmp",
            "--clearenv",
            "--setenv", "PATH", SearchPath,
            "--setenv", "HOME", "/root",
            "--setenv", "LANG", "C.UTF-8",
        ];
        foreach (var (name, value) in program.Environment)
        {
            arguments.AddRange(value is null ? ["--unsetenv", name] : ["--setenv", name, value]);
        }

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
