using System.Runtime.InteropServices;

namespace Diskless.Cli.Processes;

/// <summary>
/// Ctrl-C and SIGTERM for the program, as Vagrant treats them: the first cancels the command, which then cleans up
/// (stops QEMU, unmounts, removes a half-made machine) for as long as that takes; a second ends the process at once,
/// leaving what was not cleaned up. A fixed grace period instead cut the clean-up short on a busy host, leaving a
/// half-made machine behind after a single Ctrl-C.
/// </summary>
public sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TextWriter _error;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    private Interrupts(TextWriter error) => _error = error;

    /// <summary>Cancelled by the first interrupt.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Handles SIGINT and SIGTERM for this process until disposed; notices go to <paramref name="error"/>.</summary>
    public static Interrupts Register(TextWriter error)
    {
        var interrupts = new Interrupts(error);
        interrupts._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, interrupts.Handle));
        interrupts._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, interrupts.Handle));
        return interrupts;
    }

    /// <summary>Interrupts that no signal reaches (tests call <see cref="Handle"/>).</summary>
    internal static Interrupts Unregistered(TextWriter error) => new(error);

    /// <summary>
    /// The first interrupt cancels <see cref="Token"/> and keeps the process running for its clean-up; any later one
    /// leaves <paramref name="context"/> uncancelled, so the runtime's default ends the process.
    /// </summary>
    internal void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1)
        {
            return;
        }

        context.Cancel = true;
        _error.WriteLine("interrupted: cleaning up (Ctrl-C again to stop at once, leaving what is not yet cleaned up)");
        _cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }
}
