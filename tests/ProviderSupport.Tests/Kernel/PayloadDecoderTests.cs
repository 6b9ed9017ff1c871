namespace Diskless.ProviderSupport.Tests;

public sealed class PayloadDecoderTests
{
    public static TheoryData<string> Compressions => ["gzip", "xz", "zstd"];

    internal static byte[] Compressed(string compression) => compression switch
    {
        "gzip" => TestKernels.Gzip(TestKernels.Elf()),
        "xz" => TestKernels.Xz(),
        "zstd" => TestKernels.Zstd(TestKernels.Elf()),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Each_supported_payload_decodes_to_the_exact_elf(string compression)
    {
        var image = TestKernels.BzImage(Compressed(compression));

        Assert.True(KernelPayload.TryLocate(image, out var payload, out var whyNot), whyNot);
        var elf = PayloadDecoder.Decode(payload, CancellationToken.None);

        Assert.Equal(compression, payload.Compression.ToString().ToLowerInvariant());
        Assert.Equal(TestKernels.Elf(), elf);
    }

    [Theory]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x39 }, "bzip2")]
    [InlineData(new byte[] { 0x5D, 0x00, 0x00, 0x80 }, "lzma")]
    [InlineData(new byte[] { 0x02, 0x21, 0x4C, 0x18 }, "lz4")]
    [InlineData(new byte[] { 0x89, 0x4C, 0x5A, 0x4F }, "lzo")]
    public void Compressions_the_kernel_knows_but_this_does_not_decode_are_named(byte[] magic, string name)
    {
        var image = TestKernels.BzImage(TestKernels.WithSize([.. magic, .. new byte[200]], 1000));

        Assert.False(KernelPayload.TryLocate(image, out _, out var whyNot));
        Assert.Contains($"{name}-compressed", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_with_no_known_magic_is_refused()
    {
        var image = TestKernels.BzImage(TestKernels.WithSize(new byte[200], 1000));

        Assert.False(KernelPayload.TryLocate(image, out _, out var whyNot));
        Assert.Contains("not one the kernel knows", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void An_implausible_announced_size_is_refused_before_anything_is_allocated()
    {
        var stream = TestKernels.Zstd(TestKernels.Elf())[..^4];
        var image = TestKernels.BzImage(TestKernels.WithSize(stream, int.MaxValue));

        Assert.False(KernelPayload.TryLocate(image, out _, out var whyNot));
        Assert.Contains("implausible size", whyNot, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xz", 1)]
    [InlineData("xz", -1)]
    [InlineData("zstd", 1)]
    [InlineData("zstd", -1)]
    public void A_payload_decoding_to_another_size_than_announced_is_an_error(string compression, int difference)
    {
        var stream = Compressed(compression)[..^4];
        var image = TestKernels.BzImage(TestKernels.WithSize(stream, TestKernels.Elf().Length + difference));
        Assert.True(KernelPayload.TryLocate(image, out var payload, out _));

        var error = Assert.Throws<InvalidDataException>(() => PayloadDecoder.Decode(payload, CancellationToken.None));
        Assert.Contains("announces", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void A_damaged_payload_is_an_error_not_a_wrong_kernel(string compression)
    {
        var compressed = Compressed(compression);
        for (var i = compressed.Length / 3; i < compressed.Length / 3 + 16; i++)
        {
            compressed[i] ^= 0x5A;
        }

        Assert.True(KernelPayload.TryLocate(TestKernels.BzImage(compressed), out var payload, out _));

        Assert.ThrowsAny<Exception>(() => PayloadDecoder.Decode(payload, CancellationToken.None));
    }

    [Fact]
    public void A_cancelled_decode_throws_cancellation()
    {
        Assert.True(KernelPayload.TryLocate(TestKernels.BzImage(Compressed("gzip")), out var payload, out _));

        Assert.ThrowsAny<OperationCanceledException>(() => PayloadDecoder.Decode(payload, new CancellationToken(canceled: true)));
    }
}
