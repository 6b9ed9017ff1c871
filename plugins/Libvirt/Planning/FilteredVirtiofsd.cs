using System.Security.Cryptography;
using System.Text;
using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// The program libvirt starts for a synced folder's virtiofs: a script that runs the real virtiofsd under
/// <see cref="SetuidGuard"/> with <see cref="SetuidGuard.XattrMap"/> after libvirt's own arguments. libvirt runs it as
/// host root with no user namespace, where a guest's setuid bit, device node or file capability would be host root's:
/// the filter refuses the first two, the map keeps the third in a user xattr. libvirt 9.0 builds virtiofsd's arguments
/// itself (<c>--fd=N -o source=…,xattr</c>, and <c>--print-capabilities</c> when it asks), and the script passes them
/// all on. Pure: <see cref="FilteredVirtiofsdFile"/> writes it.
/// </summary>
public static class FilteredVirtiofsd
{
    /// <summary>The folder of the data dir the scripts live in.</summary>
    public const string FolderName = "libvirt";

    /// <summary>The script for <paramref name="virtiofsd"/> and <paramref name="filter"/>.</summary>
    public static string Script(string virtiofsd, byte[] filter) =>
        SetuidGuard.WrapperScript(virtiofsd, ["-o", $"xattrmap={SetuidGuard.XattrMap}"], filter);

    /// <summary>
    /// Where the script for <paramref name="script"/> lives: named by its content, so that machines sharing a virtiofsd
    /// share it and a changed script never overwrites one a running domain's libvirt may still start.
    /// </summary>
    public static string PathFor(HostPaths paths, string script)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script)))[..16];
        return Path.Combine(paths.DataDirectory, FolderName, $"virtiofsd-nosetuid-{hash}");
    }
}
