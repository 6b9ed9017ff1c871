namespace Diskless.Abstractions;

/// <summary>A forwarded port (<c>[[ports]]</c>): host 127.0.0.1:Host to guest :Guest.</summary>
/// <param name="Host">Host port.</param>
/// <param name="Guest">Guest port.</param>
/// <param name="Protocol">"tcp" or "udp".</param>
/// <param name="HostAddress">The host address to bind; 127.0.0.1 unless the user widens it on purpose.</param>
/// <param name="Location">Where it is written.</param>
public sealed record PortForward(int Host, int Guest, string Protocol = "tcp", string HostAddress = Loopback.Address, SourceLocation? Location = null);
