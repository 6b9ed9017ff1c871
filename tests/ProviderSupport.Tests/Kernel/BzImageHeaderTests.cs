using System.Buffers.Binary;

namespace Diskless.ProviderSupport.Tests;

public sealed class BzImageHeaderTests
{
    private static readonly byte[] Payload = TestKernels.Gzip(TestKernels.Elf());

    [Theory]
    [InlineData(3, 4 * 512)]
    [InlineData(27, 28 * 512)]
    [InlineData(0, 5 * 512)] // 0 setup sectors means 4
    public void The_payload_is_found_after_the_setup_sectors(byte setupSectors, int protectedModeAt)
    {
        var image = TestKernels.BzImage(Payload, setupSectors);

        Assert.True(BzImageHeader.TryParse(image, out var header, out var whyNot), whyNot);
        Assert.Equal(protectedModeAt + 0x2C0, header.PayloadOffset);
        Assert.Equal(Payload.Length, header.PayloadLength);
        Assert.Equal(0x020F, header.ProtocolVersion);
        Assert.Equal(Payload, image.AsSpan((int)header.PayloadOffset, (int)header.PayloadLength).ToArray());
    }

    [Fact]
    public void A_file_without_the_HdrS_magic_is_not_a_bzImage()
    {
        var elf = TestKernels.Elf();

        Assert.False(BzImageHeader.TryParse(elf, out _, out var whyNot));
        Assert.Contains("not a bzImage", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_shorter_than_the_header_is_not_a_bzImage()
    {
        var image = TestKernels.BzImage(Payload)[..0x240];

        Assert.False(BzImageHeader.TryParse(image, out _, out var whyNot));
        Assert.Contains("not a bzImage", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_protocol_older_than_2_08_has_no_payload_fields()
    {
        var image = TestKernels.BzImage(Payload, version: 0x0206);

        Assert.False(BzImageHeader.TryParse(image, out _, out var whyNot));
        Assert.Contains("2.06", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_whose_payload_runs_past_its_end_is_refused()
    {
        var image = TestKernels.BzImage(Payload);
        var truncated = image[..(image.Length - 0x1000 - 100)]; // the code after the payload, and 100 payload bytes

        Assert.False(BzImageHeader.TryParse(truncated, out _, out var whyNot));
        Assert.Contains("truncated", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_offset_pointing_far_beyond_the_file_is_refused_not_read()
    {
        var image = TestKernels.BzImage(Payload);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x248), 0xFFFF_FFF0);

        Assert.False(BzImageHeader.TryParse(image, out _, out _));
    }
}
