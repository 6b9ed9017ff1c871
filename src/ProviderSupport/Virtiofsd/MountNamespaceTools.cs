using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// The host programs that give a helper its own mount namespace with a read-only bind of its folder
/// (<see cref="ReadOnlyBind"/>). Absolute paths, found on the host: never anything from a guest's root.
/// </summary>
/// <param name="Unshare">util-linux unshare(1).</param>
/// <param name="Mount">mount(8).</param>
public sealed record MountNamespaceTools(string Unshare, string Mount)
{
    /// <summary>The error for a host without them, naming what needed them ("virtiofsd runs … with a private /run").</summary>
    public static DisklessException Missing(string neededFor) => new(
        $"{neededFor}, which needs unshare and mount, and they were not found.",
        "Install them: apt-get install -y util-linux mount",
        ExitCodes.NotAvailable);
}
