using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Diskless.ProviderSupport;

/// <summary>
/// The parts of an x86 bzImage's boot protocol header that locate its compressed kernel
/// (Linux, Documentation/arch/x86/boot.rst).
/// </summary>
/// <param name="SetupSectors">512-byte sectors of real-mode setup code after the boot sector.</param>
/// <param name="ProtocolVersion">The boot protocol, e.g. 0x020F for 2.15.</param>
/// <param name="PayloadOffset">Where the compressed kernel starts, counted from the start of the file.</param>
/// <param name="PayloadLength">Its length in bytes (for every compression but gzip this includes a 4-byte size the build appends).</param>
public sealed record BzImageHeader(int SetupSectors, int ProtocolVersion, long PayloadOffset, long PayloadLength)
{
    private const int SetupSectorsAt = 0x1F1;
    private const int MagicAt = 0x202;
    private const int VersionAt = 0x206;
    private const int PayloadOffsetAt = 0x248;
    private const int PayloadLengthAt = 0x24C;
    private const int HeaderEnd = 0x250;

    // The first protocol whose header says where the payload is and how long it is.
    private const int PayloadFieldsVersion = 0x0208;

    /// <summary>Reads the header; <paramref name="whyNot"/> says for people why the file is not a bzImage this can unpack.</summary>
    public static bool TryParse(ReadOnlySpan<byte> image, [NotNullWhen(true)] out BzImageHeader? header, [NotNullWhen(false)] out string? whyNot)
    {
        header = null;
        if (image.Length < HeaderEnd || !image.Slice(MagicAt, 4).SequenceEqual("HdrS"u8))
        {
            whyNot = "it is not a bzImage (no \"HdrS\" boot header)";
            return false;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(image[VersionAt..]);
        if (version < PayloadFieldsVersion)
        {
            whyNot = $"its boot protocol {version >> 8}.{version & 0xFF:D2} is older than 2.08 and does not say where its payload is";
            return false;
        }

        // An old convention the boot protocol keeps: 0 setup sectors means 4.
        var setupSectors = image[SetupSectorsAt] == 0 ? 4 : image[SetupSectorsAt];
        var protectedModeStart = (setupSectors + 1) * 512L;
        var offset = protectedModeStart + BinaryPrimitives.ReadUInt32LittleEndian(image[PayloadOffsetAt..]);
        var length = (long)BinaryPrimitives.ReadUInt32LittleEndian(image[PayloadLengthAt..]);
        if (length < 8 || offset + length > image.Length)
        {
            whyNot = $"its payload ({length} bytes at {offset}) does not fit in the file's {image.Length} bytes (a truncated file?)";
            return false;
        }

        header = new BzImageHeader(setupSectors, version, offset, length);
        whyNot = null;
        return true;
    }
}
