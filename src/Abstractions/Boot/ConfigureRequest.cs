namespace Diskless.Abstractions;

/// <summary>What a distro plugin needs to turn a fresh clone of the base into a bootable machine root.</summary>
/// <param name="Root">The machine's root folder.</param>
/// <param name="Machine">The machine's spec.</param>
/// <param name="Shares">Every share, the root first; their tags are final.</param>
/// <param name="Identity">User and SSH keys to install.</param>
/// <param name="Network">How the provider wires the guest's network interface.</param>
public sealed record ConfigureRequest(MachineRoot Root, MachineSpec Machine, IReadOnlyList<Share> Shares, GuestIdentity Identity, GuestNetwork Network)
{
    /// <summary>The root share (guest path "/").</summary>
    public Share RootShare => Shares.First(s => s.IsRoot);
}
