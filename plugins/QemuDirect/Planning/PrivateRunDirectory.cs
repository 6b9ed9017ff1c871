using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Wraps a command entered into a machine's user namespace so that it runs in a mount namespace of its own where
/// /run is a fresh tmpfs holding only the machine's <see cref="MachineFiles.GuestDirectory"/>, bound back at its own
/// path. Pure.
/// <para>
/// Why: the C virtiofsd takes a lock in /run/virtiofsd, which guest root may not create (/run belongs to host root);
/// and QEMU without capabilities may not pass through the user's 0700 runtime folders, while the folder bound at the
/// end of a path of tmpfs folders is reachable. The tmpfs is private to the one process, so nothing else in the
/// namespace (QEMU, the other virtiofsd, the configure sandbox) loses the host's /run.
/// </para>
/// </summary>
public static class PrivateRunDirectory
{
    /// <summary>The name the wrapper shell runs under ($0): it shows in ps and in the shell's own error messages.</summary>
    public const string ScriptName = "diskless-run";

    /// <summary>
    /// $1 is mount, $2 the folder, the rest the command. The folder is opened (fd 9) before the tmpfs hides it and
    /// bound from that descriptor; <c>-c</c> keeps mount from resolving /proc/self/fd/9 to the hidden path by name.
    /// fd 9 is closed before the command runs, and every step must succeed first. exec throughout keeps the pid.
    /// </summary>
    public const string Script =
        "exec 9<\"$2\" && \"$1\" -t tmpfs -o mode=0755 -- tmpfs /run && mkdir -p -- \"$2\" && \"$1\" -c --bind -- /proc/self/fd/9 \"$2\""
        + " && exec 9<&- && shift 2 && exec \"$@\"";

    /// <summary>True when <paramref name="path"/> lies in /run, which such a command sees as the tmpfs.</summary>
    public static bool Hides(string path) =>
        path is "/run" or "/var/run" || path.StartsWith("/run/", StringComparison.Ordinal) || path.StartsWith("/var/run/", StringComparison.Ordinal);

    /// <summary><paramref name="command"/>, run with a private /run that holds only <paramref name="folder"/>.</summary>
    public static CommandSpec Wrap(string folder, CommandSpec command, MountNamespaceTools tools) =>
        new(tools.Unshare, [
            "--mount", "--propagation", "private", "--",
            ReadOnlyBind.Shell, "-c", Script, ScriptName, tools.Mount, folder,
            command.FileName, .. command.Arguments,
        ]);
}
