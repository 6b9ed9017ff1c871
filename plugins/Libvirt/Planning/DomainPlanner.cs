using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// Turns a boot plan into a libvirt domain (pure: touches nothing). Direct kernel boot, no disk, no bootloader; one
/// &lt;filesystem&gt; per share; QEMU runs as root with nothing relabelled (the root is host-owned, and libvirt would
/// otherwise hand the kernel and initrd to libvirt-qemu while the domain runs); user-mode networking through
/// &lt;qemu:commandline&gt;, as libvirt 9.0 has no user interface that forwards ports on 127.0.0.1, or a passt
/// interface with its port forwards where the probe found libvirt accepts one.
/// </summary>
public static class DomainPlanner
{
    /// <summary>The netdev's id in &lt;qemu:commandline&gt;.</summary>
    public const string NetdevId = "dn0";

    /// <summary>
    /// Where the user-mode NIC sits: on the root bus, at a slot libvirt does not hand out. Without an address QEMU puts
    /// it in slot 1, which libvirt has reserved for its first pcie-root-port, and the domain fails to start.
    /// </summary>
    public const string NicAddress = "bus=pcie.0,addr=0x10";

    /// <summary>The CPU model under TCG, as the qemu provider's: qemu64 without SVM.</summary>
    public const string DefaultTcgCpu = "qemu64";

    /// <summary>The view model of the domain.</summary>
    /// <param name="plan">The boot plan.</param>
    /// <param name="settings">The provider's settings.</param>
    /// <param name="features">What the probe found.</param>
    /// <param name="syncedFolderVirtiofsd">
    /// The program libvirt starts for a synced folder over virtiofs: <see cref="FilteredVirtiofsd"/>'s script, never the
    /// bare virtiofsd (the root's keeps it: the guest needs its setuid programs). Needed only when there is such a folder.
    /// </param>
    /// <exception cref="InvalidOperationException">A synced folder is served over virtiofs and no <paramref name="syncedFolderVirtiofsd"/> was given.</exception>
    public static DomainModel Plan(BootPlan plan, LibvirtSettings settings, LibvirtHostFeatures features, string? syncedFolderVirtiofsd = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(features);
        var identity = DomainIdentity.For(plan.MachineName, plan.MachineId);
        var filesystems = plan.Shares.Select(share => Filesystem(share, features, syncedFolderVirtiofsd)).ToList();
        // passt only hands out DHCP: a root configured for the fixed user-mode address (before libvirt learnt passt,
        // say) keeps the user network it was configured for.
        var passt = settings.Network is null && features.Passt && plan.GuestAsksDhcp;
        var qemuArguments = settings.Network is null && !passt
            ? ["-netdev", UserNetwork.Netdev(NetdevId, plan.SshHostPort, plan.Ports), "-device", $"virtio-net-pci,netdev={NetdevId},{NicAddress}"]
            : new List<string>();
        return new DomainModel(
            features.UseKvm ? "kvm" : "qemu",
            identity.Name,
            identity.UuidText,
            plan.MachineName,
            plan.MachineId,
            plan.StateDirectory,
            plan.MemoryMiB,
            plan.Cpus,
            SharedMemory: plan.Shares.Any(s => s.Transport == ShareTransport.VirtioFs),
            plan.Artifacts.KernelPath,
            plan.Artifacts.InitrdPath,
            // libvirtd starts virtiofsd as host root, which raises its own limit.
            VirtiofsdDescriptors.KernelCommandLine(plan, VirtiofsdDescriptors.SelfRaisedAsRoot),
            HostCpu: features.UseKvm,
            settings.Cpu ?? DefaultTcgCpu,
            // Without SVM the guest loads no kvm_amd and kvm for a nested virtualisation nobody runs under emulation.
            settings.Cpu is null ? ["svm"] : [],
            filesystems,
            plan.ConsoleLogPath,
            settings.Network,
            passt,
            passt ? PortForwards(plan) : [],
            qemuArguments);
    }

    /// <summary>The domain's XML.</summary>
    public static string Render(DomainModel model, ITemplates templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        return templates.Render(typeof(DomainPlanner).Assembly, "domain.xml.liquid", model);
    }

    /// <summary>libvirt's 9p accessmode for QEMU's security model; null for one libvirt cannot express.</summary>
    public static string? NinePAccessMode(string? securityModel) => (securityModel ?? "passthrough") switch
    {
        "passthrough" => "passthrough",
        "mapped-xattr" or "mapped" => "mapped",
        "none" => "squash",
        _ => null,
    };

    /// <summary>SSH on 127.0.0.1, then each of the Disklessfile's ports from its host address, as passt forwards them.</summary>
    private static List<PortForwardModel> PortForwards(BootPlan plan) =>
        [new PortForwardModel("tcp", Loopback.Address, plan.SshHostPort, 22), .. plan.Ports.Select(p => new PortForwardModel(p.Protocol, p.HostAddress, p.Host, p.Guest))];

    /// <summary>True when <paramref name="plan"/> serves a synced folder over virtiofs, which needs <see cref="FilteredVirtiofsd"/>.</summary>
    public static bool HasVirtiofsSyncedFolder(BootPlan plan) =>
        plan.Shares.Any(s => !s.IsRoot && s.Transport == ShareTransport.VirtioFs);

    private static FilesystemModel Filesystem(Share share, LibvirtHostFeatures features, string? syncedFolderVirtiofsd)
    {
        if (share.Transport == ShareTransport.VirtioFs)
        {
            var virtiofsd = features.Virtiofsd ?? throw VirtiofsdErrors.NotFound(share);
            if (!share.IsRoot)
            {
                virtiofsd = syncedFolderVirtiofsd
                    ?? throw new InvalidOperationException($"the synced folder '{share.Tag}' needs the filtered virtiofsd, and none was given");
            }

            return new FilesystemModel(share.Tag, share.HostPath, VirtioFs: true, virtiofsd, share.ReadOnly, "passthrough");
        }

        var accessMode = NinePAccessMode(share.NinePSecurityModel)
            ?? throw new DisklessException($"libvirt cannot share {share.HostPath} over 9p with security_model = \"{share.NinePSecurityModel}\".", "use passthrough, mapped-xattr or none", ExitCodes.NotAvailable);
        return new FilesystemModel(share.Tag, share.HostPath, VirtioFs: false, null, share.ReadOnly, accessMode);
    }
}
