using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Wraps a command entered into a machine's user namespace so that it runs in a mount namespace of its own where
/// /run is a fresh tmpfs and the machine's <see cref="MachineFiles.GuestDirectory"/> is bound back at its own path,
/// reachable through folders of that tmpfs. Pure.
/// <para>
/// Why: the C virtiofsd takes a lock in /run/virtiofsd, which guest root may not create (/run belongs to host root);
/// and QEMU without capabilities may not pass through the user's 0700 runtime folders (nor anyone's through root's),
/// while a folder at the end of a path of tmpfs folders is reachable. A runtime folder outside /run (the per-user
/// folder in /tmp when there is no XDG_RUNTIME_DIR) gets its parent, which holds nothing but Diskless's runtime
/// folders, covered by a tmpfs the same way. The mounts are private to the one process: nothing else in the namespace
/// (QEMU, the other virtiofsd, the configure sandbox) loses the host's /run.
/// </para>
/// </summary>
public static class PrivateRunDirectory
{
    /// <summary>The name the wrapper shell runs under ($0): it shows in ps and in the shell's own error messages.</summary>
    public const string ScriptName = "diskless-run";

    /// <summary>
    /// $1 is mount, $2 the folder, $3 a second folder to cover ("" for none), the rest the command. The folder is
    /// opened (fd 9) before the tmpfs hides it and bound from that descriptor; <c>-c</c> keeps mount from resolving
    /// /proc/self/fd/9 to the hidden path by name. It must be opened here, in the new mount namespace: a bind from a
    /// descriptor of another namespace is refused (EINVAL). fd 9 is closed before the command runs, and every step must
    /// succeed first. exec throughout keeps the pid.
    /// </summary>
    public const string Script =
        "exec 9<\"$2\" && \"$1\" -t tmpfs -o mode=0755 -- tmpfs /run"
        + " && { [ -z \"$3\" ] || \"$1\" -t tmpfs -o mode=0755 -- tmpfs \"$3\"; }"
        + " && mkdir -p -- \"$2\" && \"$1\" -c --bind -- /proc/self/fd/9 \"$2\" && exec 9<&- && shift 3 && exec \"$@\"";

    /// <summary>The folders the wrapper covers for <paramref name="files"/>: /run, and the runtime folder's parent when it lies elsewhere.</summary>
    public static IReadOnlyList<string> Covered(MachineFiles files) =>
        ExtraCover(files) is { } extra ? ["/run", extra] : ["/run"];

    /// <summary>True when <paramref name="path"/> lies in a folder the wrapper covers, so the command would not see it.</summary>
    public static bool Hides(MachineFiles files, string path) =>
        Covered(files).Append(files.RuntimeDirectory).Any(folder => IsIn(path, folder)) || IsIn(path, "/var/run");

    /// <summary>
    /// <paramref name="command"/>, run with a private /run that holds only <paramref name="files"/>' guest folder; to
    /// be entered into the namespace.
    /// </summary>
    public static CommandSpec Wrap(MachineFiles files, CommandSpec command, MountNamespaceTools tools) =>
        new(tools.Unshare, [
            "--mount", "--propagation", "private", "--",
            ReadOnlyBind.Shell, "-c", Script, ScriptName, tools.Mount, files.GuestDirectory, ExtraCover(files) ?? "",
            command.FileName, .. command.Arguments,
        ]);

    private static string? ExtraCover(MachineFiles files) =>
        IsIn(files.GuestDirectory, "/run") ? null : Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(files.RuntimeDirectory));

    private static bool IsIn(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);
}
