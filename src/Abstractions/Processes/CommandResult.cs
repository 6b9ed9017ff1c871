namespace Diskless.Abstractions;

/// <summary>What a finished external command produced.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything written to standard output.</param>
/// <param name="StandardError">Everything written to standard error.</param>
/// <param name="Duration">Wall-clock time from start to exit.</param>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration);
