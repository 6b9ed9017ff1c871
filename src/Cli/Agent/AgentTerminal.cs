using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace Diskless.Cli.Agent;

/// <summary>
/// The terminal a detached agent may also tell of what it forwards (besides its log): the one <c>up</c>'s standard
/// error is, when it is one. Never a pipe or a file: an agent that held the write end of <c>$(diskless up)</c> or
/// <c>diskless up | tee</c> would keep it open long after up returned, and the reader would wait for it.
/// </summary>
public static partial class AgentTerminal
{
    private const int WriteOnly = 0x1;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;

    /// <summary>
    /// The terminal device the agent may write to: <paramref name="errorTarget"/> (what standard error opens, as
    /// <c>/proc/self/fd/2</c> names it) when standard error is a terminal and that is a terminal device's path; null otherwise.
    /// </summary>
    public static string? For(bool errorIsTerminal, string? errorTarget) =>
        errorIsTerminal && errorTarget is not null && TerminalDevice().IsMatch(errorTarget) ? errorTarget : null;

    /// <summary>This process's: <see cref="For"/> of its standard error.</summary>
    public static string? OfThisProcess()
    {
        try
        {
            return For(!Console.IsErrorRedirected, File.ResolveLinkTarget("/proc/self/fd/2", returnFinalTarget: false)?.LinkTarget);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// What opens <paramref name="device"/> for each of the agent's notices (<see cref="AgentNotices"/>), as long as it
    /// belongs to whom it belonged to when the agent started: a terminal's device is freed when it closes, and its
    /// number may be given to another user's. Null when it is no terminal device or cannot be read now.
    /// </summary>
    public static Func<TextWriter?>? Opener(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Isolation.FileStatus? first;
        try
        {
            first = TerminalDevice().IsMatch(device) ? Isolation.FileStatus.Read(device, followLinks: false) : null;
        }
        catch (IOException)
        {
            first = null;
        }

        if (first is null)
        {
            return null;
        }

        return () => Isolation.FileStatus.Read(device, followLinks: false)?.Uid == first.Uid ? Open(device) : null;
    }

    /// <summary>
    /// Opens <paramref name="device"/> for one notice: never as the agent's controlling terminal (the agent leads its
    /// own session, and a hang-up of the user's terminal must not end it), and without blocking (a terminal stopped
    /// with Ctrl-S loses a notice, not the agent). Null when it cannot be opened.
    /// </summary>
    public static TextWriter? Open(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!TerminalDevice().IsMatch(device))
        {
            return null;
        }

        var fd = OpenDevice(device, WriteOnly | NoControllingTerminal | NonBlocking | CloseOnExec, 0);
        return fd < 0 ? null : new StreamWriter(new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0), new UTF8Encoding(false)) { AutoFlush = true };
    }

    [GeneratedRegex("^/dev/(pts/[0-9]+|tty[A-Za-z0-9]*[0-9])$")]
    private static partial Regex TerminalDevice();

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int OpenDevice(string path, int flags, int mode);
}
