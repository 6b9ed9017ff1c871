using System.Buffers.Binary;

namespace Diskless.ProviderSupport.Tests;

public sealed class PvhElfTests
{
    [Fact]
    public void An_x86_64_elf_with_the_xen_phys32_entry_note_boots_through_pvh()
    {
        Assert.Null(PvhElf.WhyNotBootable(TestKernels.Elf()));
    }

    [Fact]
    public void An_elf_whose_notes_lack_the_pvh_entry_does_not()
    {
        var whyNot = PvhElf.WhyNotBootable(TestKernels.Elf(pvhNote: false));

        Assert.Contains("no PVH entry note", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void The_entry_note_must_be_named_xen()
    {
        var elf = TestKernels.Elf();
        var at = elf.AsSpan().IndexOf("Xen\0"u8.ToArray().Concat(BitConverter.GetBytes(0x0100_0000u)).ToArray());
        "Xyz"u8.CopyTo(elf.AsSpan(at)); // the last note's name, whose description is the entry address

        Assert.NotNull(PvhElf.WhyNotBootable(elf));
    }

    [Fact]
    public void The_note_must_be_in_a_pt_note_segment()
    {
        var elf = TestKernels.Elf();
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(64 + 56), 6); // the PT_NOTE becomes a PT_PHDR

        Assert.NotNull(PvhElf.WhyNotBootable(elf));
    }

    [Fact]
    public void A_32_bit_machine_is_refused()
    {
        var whyNot = PvhElf.WhyNotBootable(TestKernels.Elf(machine: 3));

        Assert.Contains("not an x86-64 ELF", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_32_bit_class_is_refused()
    {
        var elf = TestKernels.Elf();
        elf[4] = 1;

        Assert.Contains("64-bit", PvhElf.WhyNotBootable(elf), StringComparison.Ordinal);
    }

    [Fact]
    public void Something_that_is_not_an_elf_is_refused()
    {
        Assert.Contains("not an ELF", PvhElf.WhyNotBootable(new byte[4096]), StringComparison.Ordinal);
        Assert.Contains("not an ELF", PvhElf.WhyNotBootable(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }), StringComparison.Ordinal);
    }

    [Fact]
    public void Program_headers_beyond_the_end_are_refused_not_read()
    {
        var elf = TestKernels.Elf();
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(0x20), (ulong)elf.Length - 10);

        Assert.Contains("outside the file", PvhElf.WhyNotBootable(elf), StringComparison.Ordinal);
    }

    [Fact]
    public void A_note_segment_running_past_the_end_is_not_read()
    {
        var elf = TestKernels.Elf();
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(64 + 56 + 0x20), (ulong)elf.Length);

        Assert.NotNull(PvhElf.WhyNotBootable(elf));
    }

    [Fact]
    public void A_note_whose_sizes_run_past_its_segment_ends_the_search()
    {
        var elf = TestKernels.Elf();
        var notesAt = 64 + (2 * 56);
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(notesAt + 4), 0xFFFF_FFF0); // the first note's descsz

        Assert.NotNull(PvhElf.WhyNotBootable(elf));
    }
}
