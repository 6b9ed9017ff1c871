using System.Security.Cryptography;
using System.Text;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// A machine's libvirt name and uuid, both from its machine id: unique per project and machine (two projects with a
/// machine "dev" have different ids), stable across starts, so that defining the domain again updates it in place
/// (libvirt redefines a domain only under its uuid) and a domain of that name with another uuid is not ours.
/// </summary>
/// <param name="Name">"diskless-&lt;machine&gt;-&lt;id&gt;": what virsh and virt-manager show.</param>
/// <param name="Uuid">A name-based uuid derived from the machine id.</param>
public sealed record DomainIdentity(string Name, Guid Uuid)
{
    /// <summary>The identity of machine <paramref name="machineName"/> with id <paramref name="machineId"/>.</summary>
    public static DomainIdentity For(string machineName, string machineId)
    {
        ArgumentException.ThrowIfNullOrEmpty(machineName);
        ArgumentException.ThrowIfNullOrEmpty(machineId);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("diskless-libvirt-domain:" + machineId)).AsSpan(0, 16).ToArray();

        // RFC 4122 version 5 layout (name-based, SHA), big-endian as libvirt prints it.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new DomainIdentity($"diskless-{machineName}-{machineId}", new Guid(bytes, bigEndian: true));
    }

    /// <summary>The uuid as libvirt prints it (lowercase, with dashes).</summary>
    public string UuidText => Uuid.ToString("D");
}
