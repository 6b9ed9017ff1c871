using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Diskless.Cli.Isolation;

/// <summary>
/// Reads a program's file capabilities (the security.capability attribute setcap writes), the way distributions
/// that do not ship newuidmap setuid (Fedora) give it its privilege.
/// </summary>
public static class FileCapabilities
{
    /// <summary>CAP_SETGID, which newgidmap needs.</summary>
    public const int SetGid = 6;

    /// <summary>CAP_SETUID, which newuidmap needs.</summary>
    public const int SetUid = 7;

    private const uint EffectiveFlag = 0x1;

    /// <summary>The raw security.capability attribute of <paramref name="path"/>; null when it has none.</summary>
    public static byte[]? ReadAttribute(string path)
    {
        var buffer = new byte[64];
        var length = GetXattr(path, "security.capability", buffer, (nuint)buffer.Length);
        return length <= 0 ? null : buffer[..(int)length];
    }

    /// <summary>
    /// Whether a security.capability value grants <paramref name="capability"/> on exec: permitted and effective
    /// (the "+ep" of setcap), which is what a program that does not raise capabilities itself needs.
    /// </summary>
    public static bool Grants(ReadOnlySpan<byte> attribute, int capability)
    {
        // struct vfs_cap_data: magic_etc, then {permitted, inheritable} per 32 capabilities (v2/v3).
        if (attribute.Length < 12 || capability is < 0 or >= 32)
        {
            return false;
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(attribute);
        var permitted = BinaryPrimitives.ReadUInt32LittleEndian(attribute[4..]);
        return (magic & EffectiveFlag) != 0 && (permitted & (1u << capability)) != 0;
    }

    [DllImport("libc", EntryPoint = "getxattr", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern nint GetXattr(string path, string name, byte[] value, nuint size);
}
