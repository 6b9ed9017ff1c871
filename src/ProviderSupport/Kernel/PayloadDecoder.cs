using System.IO.Compression;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Diskless.ProviderSupport;

/// <summary>
/// Decodes a bzImage's payload in memory into exactly the size it announces. A damaged payload throws: the
/// decoders' own exceptions, or <see cref="InvalidDataException"/> when the size does not match.
/// </summary>
public static class PayloadDecoder
{
    // Between two chunks a cancellation is noticed; small enough to answer Ctrl-C at once, large enough not to matter.
    private const int ChunkSize = 4 << 20;

    public static byte[] Decode(KernelPayload payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var output = new byte[payload.DecodedSize];
        using var input = new MemoryStream(payload.Stream.Array!, payload.Stream.Offset, payload.Stream.Count, writable: false);
        switch (payload.Compression)
        {
            case PayloadCompression.Gzip:
                using (var gzip = new GZipStream(input, CompressionMode.Decompress))
                {
                    ReadAll(gzip, output, cancellationToken);
                }

                break;
            case PayloadCompression.Zstd:
                using (var zstd = new DecompressionStream(input))
                {
                    ReadAll(zstd, output, cancellationToken);
                }

                break;
            case PayloadCompression.Xz:
                DecodeXz(input, output);
                break;
            default:
                throw new InvalidDataException($"{payload.Compression} payloads are not decoded");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return output;
    }

    private static void ReadAll(Stream decoder, byte[] output, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < output.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = decoder.Read(output, filled, Math.Min(ChunkSize, output.Length - filled));
            if (read == 0)
            {
                throw new InvalidDataException($"the payload decodes to {filled} bytes but announces {output.Length}");
            }

            filled += read;
        }

        RequireEnd(decoder, output.Length);
    }

    private static void DecodeXz(Stream input, byte[] output)
    {
        using var xz = new XZStream(input);

        // SharpCompress 0.50.8 runs the x86 BCJ filter (the kernel's xz uses it: --x86 --lzma2) over the whole array
        // given to each Read, ignoring offset and count, and keeps no bytes back for a call instruction that straddles
        // two reads: read in chunks, Debian's kernel comes out with corrupted call targets ("Block check corrupt").
        // One Read over exactly the output is decoded right. The block's CRC is checked at its end, so whatever else
        // happens is an exception, never a silently wrong kernel.
        var read = xz.Read(output, 0, output.Length);
        if (read != output.Length)
        {
            throw new InvalidDataException($"the payload decodes to {read} bytes but announces {output.Length}");
        }

        // The further read reaches the end of the block: that is where its check is verified.
        RequireEnd(xz, output.Length);

        // A second block would be read into the same array at an offset, and the filter would run over the first
        // block again after its check passed. The kernel writes one block; refuse anything else.
        if (xz.Index is not { NumberOfRecords: 1 })
        {
            throw new InvalidDataException($"the xz stream has {xz.Index?.NumberOfRecords} blocks; only single-block streams (as the kernel writes them) are decoded");
        }
    }

    private static void RequireEnd(Stream decoder, int expected)
    {
        Span<byte> probe = stackalloc byte[1];
        if (decoder.Read(probe) != 0)
        {
            throw new InvalidDataException($"the payload decodes to more than the {expected} bytes it announces");
        }
    }
}
