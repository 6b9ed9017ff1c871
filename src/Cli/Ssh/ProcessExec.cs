using System.Runtime.InteropServices;
using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>
/// Replaces the diskless process with another program (execvp), so an interactive ssh owns the terminal, its signals
/// and its exit code exactly as if the user had started it.
/// </summary>
public static class ProcessExec
{
    private const int SIGPIPE = 13;

    /// <summary>
    /// Runs <paramref name="argv"/> (program first, looked up on PATH) in place of this process. Returns only by
    /// throwing, when the program cannot be executed.
    /// </summary>
    public static void Replace(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("argv needs at least the program", nameof(argv));
        }

        Output.ConsoleWriters.Flush();

        // The runtime ignores SIGPIPE and an ignored signal stays ignored across exec; give ssh the default back.
        var previous = Signal(SIGPIPE, IntPtr.Zero);
        _ = ExecVp(argv[0], [.. argv, null]);
        var errno = Marshal.GetLastPInvokeError();
        _ = Signal(SIGPIPE, previous);
        var program = argv[0];
        throw new DisklessException(
            $"cannot run {program}: {Marshal.GetPInvokeErrorMessage(errno)}",
            Path.GetFileName(program) == "ssh" ? "Install the OpenSSH client: apt-get install openssh-client (or your distribution's openssh package)." : null,
            ExitCodes.NotAvailable);
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not
    // allow, and ANSI strings are UTF-8 on Linux.
    [DllImport("libc", EntryPoint = "execvp", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int ExecVp(string file, string?[] argv);

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr Signal(int signal, IntPtr handler);
}
