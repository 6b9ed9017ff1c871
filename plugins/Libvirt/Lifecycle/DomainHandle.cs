using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>What the provider keeps in the machine's handle: the domain, its connection, the halt timeout.</summary>
internal sealed record DomainHandle(DomainIdentity Identity, string Uri, TimeSpan? GracefulTimeout)
{
    private const string DomainKey = "domain";
    private const string UuidKey = "uuid";
    private const string UriKey = "uri";
    private const string GracefulTimeoutKey = "graceful_timeout_seconds";

    /// <summary>The notes to save.</summary>
    public IReadOnlyDictionary<string, string> ToData()
    {
        var data = new Dictionary<string, string>
        {
            [DomainKey] = Identity.Name,
            [UuidKey] = Identity.UuidText,
            [UriKey] = Uri,
        };
        if (GracefulTimeout is { } timeout)
        {
            data[GracefulTimeoutKey] = timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return data;
    }

    /// <summary>
    /// The handle of a machine: from its saved notes, or (never started, or saved by another provider) its identity
    /// on the default connection, so that destroy still finds a domain a failed first start may have left.
    /// </summary>
    public static DomainHandle From(MachineHandle handle)
    {
        var data = handle.Data;
        var identity = DomainIdentity.For(handle.MachineName, handle.MachineId);
        var uri = data.TryGetValue(UriKey, out var savedUri) ? savedUri : LibvirtSettings.SystemUri;
        TimeSpan? timeout = data.TryGetValue(GracefulTimeoutKey, out var seconds) && double.TryParse(seconds, CultureInfo.InvariantCulture, out var s)
            ? TimeSpan.FromSeconds(s)
            : null;
        return new DomainHandle(identity, uri, timeout);
    }
}
