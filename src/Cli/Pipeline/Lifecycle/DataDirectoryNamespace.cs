using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// The namespace through which an ordinary user reaches the bases of the data dir: they belong to the user's
/// subordinate ids, which only the user's own map covers. Root reaches every base as it is (null).
/// </summary>
internal static class DataDirectoryNamespace
{
    public static async Task<MachineNamespace?> OpenAsync(IHostServices host, IMachineNamespaces namespaces, HostIdentity identity, string workingDirectory, CancellationToken cancellationToken) =>
        !identity.IsRoot && MachineIdMaps.ForHost(identity, workingDirectory) is { } map
            ? await namespaces.OpenAsync(host, map, cancellationToken).ConfigureAwait(false)
            : null;
}
