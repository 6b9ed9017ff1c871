using System.Buffers.Binary;

namespace Diskless.ProviderSupport;

/// <summary>
/// Whether an unpacked kernel can boot through QEMU's PVH entry: an x86-64 ELF whose program headers hold a
/// PT_NOTE with the note ("Xen", XEN_ELFNOTE_PHYS32_ENTRY) that CONFIG_PVH adds.
/// </summary>
/// <remarks>
/// Only PT_NOTE segments count, not SHT_NOTE sections: QEMU's ELF loader (load_elf with a note callback) searches
/// the program headers for the note, so a kernel with the note in a section alone would not boot this way.
/// </remarks>
public static class PvhElf
{
    /// <summary>XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit physical entry point QEMU's PVH option ROM jumps to.</summary>
    public const uint Phys32EntryNote = 18;

    private const int ElfHeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const ushort MachineX8664 = 62;
    private const uint PtNote = 4;

    /// <summary>Null when the ELF can boot through PVH; otherwise why not, for people.</summary>
    public static string? WhyNotBootable(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < ElfHeaderSize || elf is not [0x7F, (byte)'E', (byte)'L', (byte)'F', ..])
        {
            return "the unpacked kernel is not an ELF file";
        }

        // e_ident: class 2 = 64-bit, data 1 = little-endian.
        if (elf[4] != 2 || elf[5] != 1)
        {
            return "the unpacked kernel is not a 64-bit little-endian ELF";
        }

        var machine = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x12..]);
        if (machine != MachineX8664)
        {
            return $"the unpacked kernel is not an x86-64 ELF (machine {machine})";
        }

        var tableAt = BinaryPrimitives.ReadUInt64LittleEndian(elf[0x20..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x36..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x38..]);
        if (entrySize < ProgramHeaderSize || !Fits(elf, tableAt, (ulong)entrySize * count))
        {
            return "the unpacked kernel's program headers lie outside the file";
        }

        for (var i = 0; i < count; i++)
        {
            var header = elf.Slice((int)tableAt + (i * entrySize), ProgramHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != PtNote)
            {
                continue;
            }

            var offset = BinaryPrimitives.ReadUInt64LittleEndian(header[0x08..]);
            var size = BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]);
            var align = BinaryPrimitives.ReadUInt64LittleEndian(header[0x30..]);
            if (Fits(elf, offset, size) && HasPhys32Entry(elf.Slice((int)offset, (int)size), align == 8 ? 8 : 4))
            {
                return null;
            }
        }

        return "the unpacked kernel has no PVH entry note (built without CONFIG_PVH)";
    }

    private static bool HasPhys32Entry(ReadOnlySpan<byte> notes, int align)
    {
        // Each note: namesz, descsz, type (4 bytes each), then the name and the description, each padded to align.
        var at = 0;
        while (at + 12 <= notes.Length)
        {
            var nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[at..]);
            var descSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 4)..]);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 8)..]);
            var nameAt = at + 12L;
            var descAt = nameAt + Pad(nameSize, align);
            var next = descAt + Pad(descSize, align);
            if (descAt + descSize > notes.Length)
            {
                return false;
            }

            if (type == Phys32EntryNote && descSize >= 4 && notes.Slice((int)nameAt, (int)nameSize).SequenceEqual("Xen\0"u8))
            {
                return true;
            }

            at = (int)Math.Min(next, notes.Length);
        }

        return false;
    }

    private static long Pad(uint size, int align) => (size + (long)align - 1) / align * align;

    private static bool Fits(ReadOnlySpan<byte> elf, ulong offset, ulong size) =>
        offset <= (ulong)elf.Length && size <= (ulong)elf.Length - offset;
}
