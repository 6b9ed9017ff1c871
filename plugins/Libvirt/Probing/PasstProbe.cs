using System.Collections.Concurrent;
using System.Xml.Linq;
using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// Whether the connected libvirt accepts a user-mode interface with the passt backend and its port forwards, and passt
/// is installed. libvirt 9.0.0 rejects it ("Invalid value for attribute 'type' in element 'backend': 'passt'");
/// newer versions accept it. The answer comes from <c>virsh domcapabilities</c> where it lists interface backends,
/// else from defining a throwaway domain that is never started and undefined at once. Cached per URI for the process,
/// so the guest network described before the start and the domain defined at the start agree.
/// </summary>
internal sealed class PasstProbe(Func<string> throwawayName)
{
    /// <summary>The program libvirt starts for the backend.</summary>
    public const string PasstProgram = "passt";

    private readonly ConcurrentDictionary<string, bool> _answers = new(StringComparer.Ordinal);

    /// <summary>The probe of the real host, shared by every start and description in this process.</summary>
    public static PasstProbe Shared { get; } = new(() => $"diskless-probe-passt-{Guid.NewGuid():N}");

    /// <summary>Whether the domain's user-mode network can be passt on this connection.</summary>
    public async Task<bool> SupportedAsync(Virsh virsh, IHostServices host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(virsh);
        ArgumentNullException.ThrowIfNull(host);
        if (_answers.TryGetValue(virsh.Uri, out var known))
        {
            return known;
        }

        var accepted = await AcceptedAsync(virsh, host, cancellationToken).ConfigureAwait(false);
        var installed = host.FindExecutable(PasstProgram) is not null;
        if (accepted && !installed)
        {
            host.Progress.Verbose("libvirt accepts passt, but passt is not installed (apt-get install -y passt), so user-mode networking stays QEMU's own");
        }

        return _answers.GetOrAdd(virsh.Uri, accepted && installed);
    }

    /// <summary>The backend types domcapabilities lists for interfaces; null when it lists none (libvirt of 9.0's age).</summary>
    public static IReadOnlyList<string>? ListedBackends(string domainCapabilities)
    {
        try
        {
            var backends = XElement.Parse(domainCapabilities).Element("devices")?.Element("interface")?.Elements("enum")
                .FirstOrDefault(e => (string?)e.Attribute("name") == "backendType");
            return backends?.Elements("value").Select(v => v.Value.Trim()).ToList();
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private async Task<bool> AcceptedAsync(Virsh virsh, IHostServices host, CancellationToken cancellationToken)
    {
        var capabilities = await virsh.TryRunAsync("list what domains may use", cancellationToken, "domcapabilities").ConfigureAwait(false);
        if (capabilities.ExitCode == 0 && ListedBackends(capabilities.StandardOutput) is { } backends)
        {
            return backends.Contains(PasstProgram, StringComparer.Ordinal);
        }

        return await DefinesAsync(virsh, host, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> DefinesAsync(Virsh virsh, IHostServices host, CancellationToken cancellationToken)
    {
        var name = throwawayName();
        var xml = host.Templates.Render(typeof(PasstProbe).Assembly, "passt-probe.xml.liquid", new PasstProbeModel(name));
        try
        {
            var defined = await virsh.TryRunWithInputAsync("try a passt interface on a throwaway domain", xml, cancellationToken, "define", "/dev/stdin").ConfigureAwait(false);
            if (defined.ExitCode != 0)
            {
                host.Progress.Verbose($"libvirt refuses a passt interface, so user-mode networking stays QEMU's own: {(defined.StandardError + defined.StandardOutput).Trim()}");
            }

            return defined.ExitCode == 0;
        }
        finally
        {
            // Always, also when the define failed or was cancelled: it may have gone through before either.
            await UndefineAsync(virsh, name).ConfigureAwait(false);
        }
    }

    private static async Task UndefineAsync(Virsh virsh, string name)
    {
        try
        {
            // Not cancellable: a cancelled up must still remove what it defined. A domain never defined is "not found".
            await virsh.TryRunAsync("remove the throwaway domain", CancellationToken.None, "undefine", name).ConfigureAwait(false);
        }
        catch (DisklessException)
        {
            // The connection failed; the error that got us here is the one to report.
        }
    }
}
