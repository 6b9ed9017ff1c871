using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>The guest presented a host key diskless did not generate; never retried, never trusted.</summary>
public sealed class HostKeyMismatchException(string message, string hint, Exception? innerException)
    : DisklessException(message, hint, ExitCodes.BootFailed, innerException);
