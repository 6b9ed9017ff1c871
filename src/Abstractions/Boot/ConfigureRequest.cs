namespace Diskless.Abstractions;

/// <summary>What a distro plugin needs to turn a fresh clone of the base into a bootable machine root.</summary>
/// <param name="Root">The machine's root folder.</param>
/// <param name="Machine">The machine's spec.</param>
/// <param name="Shares">Every share, the root first; their tags are final.</param>
/// <param name="Identity">User and SSH keys to install.</param>
/// <param name="Network">How the provider wires the guest's network interface.</param>
/// <param name="GuestHasRun">
/// True once the machine has booted (or was about to: the flag is set before its first start). From then on the
/// root is the guest's and may be hostile, so the plugin must run no program from it on the host — configuring
/// writes files only. False only for a fresh clone of the base, whose tools came from the distro's bootstrap.
/// </param>
public sealed record ConfigureRequest(MachineRoot Root, MachineSpec Machine, IReadOnlyList<Share> Shares, GuestIdentity Identity, GuestNetwork Network, bool GuestHasRun)
{
    /// <summary>The root share (guest path "/").</summary>
    public Share RootShare => Shares.First(s => s.IsRoot);
}
