namespace Diskless.Cli.State;

/// <summary>Who holds a machine's lock: written beside the lock file, since the locked file itself cannot be read.</summary>
/// <param name="Pid">The holding process.</param>
/// <param name="Command">Its command line, e.g. "diskless up".</param>
/// <param name="StartedAt">When it took the lock.</param>
public sealed record LockHolder(int Pid, string Command, DateTimeOffset StartedAt);
