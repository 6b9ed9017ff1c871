using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Diskless.ProviderSupport;

/// <summary>The compressed kernel inside a bzImage, ready to decode.</summary>
/// <param name="Stream">The compressed stream alone, without the size the kernel build appends after it.</param>
/// <param name="Compression">Its compression; always one <see cref="PayloadMagic.IsSupported"/> accepts.</param>
/// <param name="DecodedSize">The size it decodes to, as the payload's last four bytes say.</param>
public sealed record KernelPayload(ArraySegment<byte> Stream, PayloadCompression Compression, long DecodedSize)
{
    /// <summary>Larger than any kernel: a bigger announced size means a damaged or foreign file, not something to allocate.</summary>
    public const long MaxDecodedSize = 1L << 30;

    /// <summary>Finds the payload of a bzImage; <paramref name="whyNot"/> says for people why it cannot be unpacked.</summary>
    public static bool TryLocate(byte[] image, [NotNullWhen(true)] out KernelPayload? payload, [NotNullWhen(false)] out string? whyNot)
    {
        payload = null;
        if (!BzImageHeader.TryParse(image, out var header, out whyNot))
        {
            return false;
        }

        var data = new ArraySegment<byte>(image, (int)header.PayloadOffset, (int)header.PayloadLength);
        var compression = PayloadMagic.Identify(data);
        if (!PayloadMagic.IsSupported(compression))
        {
            whyNot = compression == PayloadCompression.Unknown
                ? "its payload's compression is not one the kernel knows"
                : $"its payload is {compression.ToString().ToLowerInvariant()}-compressed; only gzip, xz and zstd are unpacked";
            return false;
        }

        // The decompressor inside the kernel learns the output size from the payload's last four bytes (little-endian):
        // gzip's own trailer ends with it, and for the other compressions the build appends it (scripts/Makefile.lib,
        // size_append). Those four bytes are not part of the xz or zstd stream, so the decoders do not see them.
        var decodedSize = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Count - 4));
        if (decodedSize == 0 || decodedSize > MaxDecodedSize)
        {
            whyNot = $"its payload announces an implausible size ({decodedSize} bytes)";
            return false;
        }

        var stream = compression == PayloadCompression.Gzip ? data : data[..^4];
        payload = new KernelPayload(stream, compression, decodedSize);
        whyNot = null;
        return true;
    }
}
