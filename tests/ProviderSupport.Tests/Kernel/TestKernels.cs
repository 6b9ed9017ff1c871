using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace Diskless.ProviderSupport.Tests;

/// <summary>
/// Small kernels built in the test: an x86-64 ELF with the notes a CONFIG_PVH kernel carries, and a bzImage around
/// a compressed copy of it, laid out as the kernel build does (boot header, setup sectors, payload, size appended).
/// </summary>
internal static class TestKernels
{
    public const uint XenPhys32Entry = 18;

    // Opcode bytes (mov, lea, nop, pop, ret) between the calls and jumps.
    private static readonly byte[] Filler = [0x48, 0x89, 0xC7, 0x8B, 0x45, 0x0F, 0x1F, 0x44, 0x00, 0x5D, 0xC3, 0x90];

    /// <summary>
    /// An ELF64 x86-64 executable: a PT_LOAD over everything and a PT_NOTE holding a GNU build-id note, a Xen note of
    /// another type, and (unless <paramref name="pvhNote"/> is false) the Xen PHYS32_ENTRY note, then
    /// <paramref name="codeSize"/> bytes of made-up x86 code full of call and jump instructions.
    /// </summary>
    public static byte[] Elf(bool pvhNote = true, ushort machine = 62, int codeSize = 64 * 1024)
    {
        var notes = new MemoryStream();
        Note(notes, "GNU", 3, new byte[20]);
        Note(notes, "Xen", 6, Encoding.ASCII.GetBytes("linux\0"));
        if (pvhNote)
        {
            Note(notes, "Xen", XenPhys32Entry, BitConverter.GetBytes(0x0100_0000u));
        }

        const int headerSize = 64;
        const int programHeaderSize = 56;
        var notesAt = headerSize + (2 * programHeaderSize);
        var codeAt = notesAt + (int)notes.Length;
        var elf = new byte[codeAt + codeSize];
        var span = elf.AsSpan();

        span[0] = 0x7F;
        "ELF"u8.CopyTo(span[1..]);
        span[4] = 2; // 64-bit
        span[5] = 1; // little-endian
        span[6] = 1; // ELF version
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x10..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x12..], machine);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x14..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x18..], 0x0100_0000);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x20..], headerSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x34..], headerSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x36..], programHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x38..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x3A..], 64);

        ProgramHeader(span[headerSize..], type: 1, offset: 0, size: elf.Length, align: 0x20_0000);
        ProgramHeader(span[(headerSize + programHeaderSize)..], type: 4, offset: notesAt, size: (int)notes.Length, align: 4);
        notes.ToArray().CopyTo(span[notesAt..]);
        Code(span[codeAt..]);
        return elf;
    }

    /// <summary>A bzImage whose payload is <paramref name="payload"/>, with padding before and code after it as in a real one.</summary>
    public static byte[] BzImage(byte[] payload, byte setupSectors = 3, ushort version = 0x020F)
    {
        var realSetupSectors = setupSectors == 0 ? 4 : setupSectors;
        var protectedModeAt = (realSetupSectors + 1) * 512;
        const int payloadOffset = 0x2C0; // the decompressor's own code comes first
        const int trailer = 0x1000;      // and more of it after the payload
        var image = new byte[protectedModeAt + payloadOffset + payload.Length + trailer];
        var span = image.AsSpan();
        var random = new Random(payload.Length);
        random.NextBytes(span[protectedModeAt..(protectedModeAt + payloadOffset)]);
        random.NextBytes(span[^trailer..]);
        span[0x1F1] = setupSectors;
        "HdrS"u8.CopyTo(span[0x202..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x206..], version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x248..], payloadOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x24C..], (uint)payload.Length);
        payload.CopyTo(span[(protectedModeAt + payloadOffset)..]);
        return image;
    }

    /// <summary>gzip as the kernel build writes it: the stream alone (its own trailer ends with the size).</summary>
    public static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    /// <summary>zstd as the kernel build writes it: the frame with a checksum (the zstd program's default), then the decoded size (size_append).</summary>
    public static byte[] Zstd(byte[] content)
    {
        using var compressor = new ZstdSharp.Compressor(19);
        compressor.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return WithSize(compressor.Wrap(content).ToArray(), content.Length);
    }

    /// <summary>
    /// xz as the kernel build writes it (xz --check=crc32 --x86 --lzma2, then the size): <see cref="Elf"/>'s default
    /// output, compressed once with the xz program into Fixtures/ (SharpCompress cannot write xz).
    /// </summary>
    public static byte[] Xz() => WithSize(File.ReadAllBytes(XzFixturePath()), Elf().Length);

    public static string XzFixturePath([CallerFilePath] string callerFile = "") =>
        Path.Combine(Path.GetDirectoryName(callerFile)!, "Fixtures", "pvh-test-kernel.elf.xz");

    public static byte[] WithSize(byte[] stream, int size)
    {
        var result = new byte[stream.Length + 4];
        stream.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(stream.Length), (uint)size);
        return result;
    }

    private static void Note(Stream notes, string name, uint type, byte[] desc)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        var header = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)desc.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), type);
        notes.Write(header);
        notes.Write(nameBytes);
        notes.Write(new byte[Pad(nameBytes.Length)]);
        notes.Write(desc);
        notes.Write(new byte[Pad(desc.Length)]);
    }

    private static int Pad(int length) => (4 - (length % 4)) % 4;

    private static void ProgramHeader(Span<byte> header, uint type, int offset, int size, int align)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, type);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 5); // R+X
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x08..], (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x10..], 0x0100_0000ul + (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x18..], 0x0100_0000ul + (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x20..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x28..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x30..], (ulong)align);
    }

    /// <summary>
    /// Deterministic bytes that look like x86 code to xz's BCJ filter: a near call (E8) or jump (E9) every few bytes
    /// with a small forward or backward displacement, so the filter rewrites thousands of them.
    /// </summary>
    private static void Code(Span<byte> code)
    {
        var state = 0x2545F491u;
        var i = 0;
        while (i < code.Length)
        {
            state = (state * 1103515245) + 12345;
            if ((state >> 28) < 5 && i + 5 <= code.Length)
            {
                code[i] = (state & 0x100) == 0 ? (byte)0xE8 : (byte)0xE9;
                var displacement = (int)((state >> 9) & 0xFFFF) - 0x8000;
                BinaryPrimitives.WriteInt32LittleEndian(code[(i + 1)..], displacement);
                i += 5;
            }
            else
            {
                code[i++] = Filler[(int)((state >> 16) % (uint)Filler.Length)];
            }
        }
    }
}
