using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Wraps a command so that it runs in a mount namespace of its own in which one folder is a read-only bind mount of
/// itself. Pure. The read-only flag then belongs to the host's mount, out of a guest's reach: a guest that remounts
/// its share read-write changes only its own mount, and every write the helper makes on its behalf gets EROFS.
/// </summary>
public static class ReadOnlyBind
{
    /// <summary>The name the wrapper shell runs under ($0): it shows in ps and in the shell's own error messages.</summary>
    public const string ScriptName = "diskless-ro";

    /// <summary>
    /// $1 is mount, $2 the folder, the rest the command. Each step must succeed before the command runs: a bind that
    /// failed must never leave the folder served writable. exec (no fork anywhere, nor in unshare) keeps the pid the
    /// launcher recorded for the command itself. The bind is not recursive on purpose: mounts beneath the folder
    /// would stay writable under it, so they are covered instead. Private propagation keeps the bind out of the host's
    /// namespace; it goes when the last process in the namespace exits.
    /// </summary>
    public const string Script = "\"$1\" --bind -- \"$2\" \"$2\" && \"$1\" -o remount,bind,ro -- \"$2\" && shift 2 && exec \"$@\"";

    /// <summary>The shell that runs <see cref="Script"/>: the host's own.</summary>
    public const string Shell = "/bin/sh";

    /// <summary><paramref name="command"/>, run with <paramref name="folder"/> read-only in a mount namespace of its own.</summary>
    public static CommandSpec Wrap(string folder, CommandSpec command, MountNamespaceTools tools) =>
        new(tools.Unshare, [
            "--mount", "--propagation", "private", "--",
            Shell, "-c", Script, ScriptName, tools.Mount, folder,
            command.FileName, .. command.Arguments,
        ]);
}
