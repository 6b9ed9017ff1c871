using System.Text;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Runs a synced folder's file server (virtiofsd) so that the guest — its root or its user — can leave no setuid or
/// setgid file and no device node on the host: bwrap loads <see cref="SetuidFilter"/> and runs the server with the
/// host's whole view (<c>--dev-bind / /</c>) and every capability it had (<c>--cap-add ALL</c>: bwrap drops them by
/// default for a uid-0 caller). The filter's bytes travel in the command itself (printf into a pipe bwrap reads as
/// <c>--seccomp 8</c>), so no file has to be kept anywhere a guest or another user could swap it. Pure.
/// <para>
/// The shell stays (bwrap is not exec'd): bwrap's <c>--die-with-parent</c> binds bwrap itself, not only the server, to
/// its parent, and the launcher that started it exits long before the server should. So the recorded pid is the
/// shell's; it exits when the server does, and a signal that ends it ends bwrap and the server too (both die with
/// their parent). Measured: with bwrap exec'd, `diskless up` exiting took the synced folder's virtiofsd with it.
/// </para>
/// </summary>
public static class SetuidGuard
{
    /// <summary>The name the wrapper shell runs under ($0): it shows in ps and in the shell's own error messages.</summary>
    public const string ScriptName = "diskless-nosetuid";

    /// <summary>bash, for its process substitution; the filter never touches a file.</summary>
    public const string Shell = "/bin/bash";

    /// <summary>The descriptor bwrap reads the filter from.</summary>
    public const int FilterDescriptor = 8;

    /// <summary>
    /// virtiofsd's xattr map (C: <c>-o xattrmap=</c>, Rust: <c>--xattrmap</c>) for a synced folder: the guest's
    /// <c>security.capability</c> is kept on the host as <c>user.virtiofs.security.capability</c>, which grants nothing
    /// there, and every other name passes as it is. File capabilities written by a server running as host root
    /// (libvirt's) would otherwise act on the host like a setuid bit. A rule refusing the name (<c>bad</c>) is not an
    /// option: the C virtiofsd must map that name to start at all ("Failed to map security.capability").
    /// </summary>
    public const string XattrMap = ":prefix:all:security.capability:user.virtiofs.::ok:all:::";

    /// <summary>
    /// $1 is the filter as printf escapes, the rest the command. Each step must succeed: no filter, no server. The
    /// trailing exit keeps bash from exec'ing bwrap in its place (see the class remarks).
    /// </summary>
    public const string Script =
        "exec 8< <(printf '%b' \"$1\") && shift && bwrap --dev-bind / / --cap-add ALL --die-with-parent --seccomp 8 -- \"$@\"; exit $?";

    /// <summary><paramref name="command"/> run under the filter; its environment and other settings are kept.</summary>
    public static CommandSpec Wrap(CommandSpec command) => Wrap(command, SetuidFilter.ForThisHost());

    /// <summary><paramref name="command"/> run under <paramref name="filter"/> (encoded BPF).</summary>
    public static CommandSpec Wrap(CommandSpec command, byte[] filter)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command with
        {
            FileName = Shell,
            Arguments = ["-c", Script, ScriptName, PrintfEscapes(filter), command.FileName, .. command.Arguments],
            WrappedProgram = command.ShownProgram,
        };
    }

    /// <summary>
    /// A bash script that runs <paramref name="virtiofsd"/> with its own arguments ("$@") under <paramref name="filter"/>,
    /// with <paramref name="extraArguments"/> after them: what libvirt, which builds virtiofsd's arguments itself,
    /// is given as the filesystem's &lt;binary path&gt;.
    /// </summary>
    public static string WrapperScript(string virtiofsd, IReadOnlyList<string> extraArguments, byte[] filter)
    {
        ArgumentException.ThrowIfNullOrEmpty(virtiofsd);
        ArgumentNullException.ThrowIfNull(extraArguments);
        var extra = string.Concat(extraArguments.Select(a => " " + ShellQuote(a)));
        return "#!/bin/bash\n"
            + "# Written by Diskless: a synced folder's virtiofsd under a seccomp filter that refuses setuid and setgid\n"
            + "# bits and device nodes, so that nothing a guest does through it opens a door on this host.\n"
            + $"exec {FilterDescriptor}< <(printf '%b' {ShellQuote(PrintfEscapes(filter))}) && "
            + $"bwrap --dev-bind / / --cap-add ALL --die-with-parent --seccomp {FilterDescriptor} -- {ShellQuote(virtiofsd)} \"$@\"{extra}; exit $?\n";
    }

    /// <summary><paramref name="bytes"/> as <c>\xHH</c> escapes, which printf's %b turns back into the bytes (NUL included).</summary>
    public static string PrintfEscapes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var text = new StringBuilder(bytes.Length * 4);
        foreach (var b in bytes)
        {
            text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
