namespace Diskless.Abstractions;

/// <summary>
/// The host's IPv4 loopback address, written once for the host and every provider: where a user-mode network forwards
/// the guest's SSH, and the host address of a forwarded port unless the Disklessfile widens it.
/// </summary>
public static class Loopback
{
    /// <summary>127.0.0.1: only this host reaches what is bound there.</summary>
    public const string Address = "127.0.0.1";
}
