using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// Finds out what this host offers libvirt: virsh, a daemon that answers on the connection, whether KVM really works
/// (the shared <see cref="KvmRule"/>: libvirt advertises type='kvm' even where guests then hang), and virtiofsd.
/// </summary>
internal sealed class LibvirtHostProbe(Func<KvmDevice> kvmDevice, Func<string?> cpuInfo, PasstProbe passt)
{
    /// <summary>The probe of the real host.</summary>
    public static LibvirtHostProbe Real { get; } = new(KvmRule.ProbeDevice, KvmRule.ReadCpuInfo, PasstProbe.Shared);

    /// <summary>Whether this machine's user-mode network is passt (never on a libvirt network).</summary>
    public async Task<bool> UsesPasstAsync(LibvirtSettings settings, IHostServices host, CancellationToken cancellationToken) =>
        settings.Network is null && await passt.SupportedAsync(new Virsh(FindVirsh(host), settings.Uri, host.Commands), host, cancellationToken).ConfigureAwait(false);

    /// <summary>virsh, or an error that says how to install it.</summary>
    public static string FindVirsh(IHostServices host) =>
        host.FindExecutable("virsh") ?? throw new DisklessException(
            "virsh was not found on PATH: the libvirt provider drives libvirtd with it.",
            "Install libvirt: apt-get install -y libvirt-daemon-system libvirt-clients",
            ExitCodes.NotAvailable);

    /// <summary>Probes everything a start needs; fails with the fix when libvirtd does not answer.</summary>
    public async Task<LibvirtHostFeatures> ProbeAsync(ProviderSpec spec, LibvirtSettings settings, IHostServices host, CancellationToken cancellationToken)
    {
        var program = FindVirsh(host);
        var virsh = new Virsh(program, settings.Uri, host.Commands);
        await virsh.RunAsync("libvirt version", cancellationToken, "version").ConfigureAwait(false);

        // The system daemon opens /dev/kvm as root, whoever runs diskless; a session daemon's QEMU runs as this user.
        var device = kvmDevice();
        if (!settings.IsSession && device == KvmDevice.NoAccess)
        {
            device = KvmDevice.Opens;
        }

        var useKvm = KvmRule.Decide(spec.Accel, device, cpuInfo(), host.Progress);
        var virtiofsd = VirtiofsdLocator.FindPath(settings.Virtiofsd, host);
        return new LibvirtHostFeatures(program, useKvm, virtiofsd, await UsesPasstAsync(settings, host, cancellationToken).ConfigureAwait(false));
    }
}
