namespace Diskless.Cli.Isolation;

/// <summary>A range of host ids delegated to a user in /etc/subuid or /etc/subgid.</summary>
public sealed record SubordinateRange(long Start, long Count);
