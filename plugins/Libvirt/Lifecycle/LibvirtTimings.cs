namespace Diskless.Plugins.Libvirt;

/// <summary>How long the lifecycle waits at each step; tests shorten them (and run them on a fake clock).</summary>
/// <param name="LeaseTimeout">For the guest on a libvirt network to take a DHCP lease (it boots first: minutes under TCG).</param>
/// <param name="DestroyTimeout">For a domain to be shut off after <c>virsh destroy</c>.</param>
/// <param name="PollInterval">Between two looks at the domain's state or leases.</param>
public sealed record LibvirtTimings(TimeSpan LeaseTimeout, TimeSpan DestroyTimeout, TimeSpan PollInterval)
{
    /// <summary>The production values: ten times what a TCG boot to DHCP takes on a busy two-core host.</summary>
    public static readonly LibvirtTimings Default = new(
        LeaseTimeout: TimeSpan.FromMinutes(5),
        DestroyTimeout: TimeSpan.FromSeconds(30),
        PollInterval: TimeSpan.FromMilliseconds(500));
}
