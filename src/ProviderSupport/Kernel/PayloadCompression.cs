namespace Diskless.ProviderSupport;

/// <summary>How a bzImage's payload is compressed (the kernel's CONFIG_KERNEL_* choice).</summary>
public enum PayloadCompression
{
    /// <summary>No magic the kernel knows.</summary>
    Unknown,

    /// <summary>gzip: decoded with System.IO.Compression.</summary>
    Gzip,

    /// <summary>xz (Debian's and Arch's kernels): decoded with SharpCompress.</summary>
    Xz,

    /// <summary>zstd (Fedora's and Ubuntu's newer kernels): decoded with ZstdSharp.</summary>
    Zstd,

    /// <summary>Legacy lzma: not decoded.</summary>
    Lzma,

    /// <summary>bzip2: not decoded.</summary>
    Bzip2,

    /// <summary>lz4 legacy frames: not decoded.</summary>
    Lz4,

    /// <summary>lzo: not decoded.</summary>
    Lzo,
}

/// <summary>Tells a payload's compression by its first bytes, with the magics the kernel's own lib/decompress.c uses.</summary>
public static class PayloadMagic
{
    public static PayloadCompression Identify(ReadOnlySpan<byte> payload) => payload switch
    {
        [0x1F, 0x8B, ..] => PayloadCompression.Gzip,
        [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, ..] => PayloadCompression.Xz,
        [0x28, 0xB5, 0x2F, 0xFD, ..] => PayloadCompression.Zstd,
        [0x5D, 0x00, ..] => PayloadCompression.Lzma,
        [0x42, 0x5A, 0x68, ..] => PayloadCompression.Bzip2,
        [0x02, 0x21, 0x4C, 0x18, ..] => PayloadCompression.Lz4,
        [0x89, 0x4C, 0x5A, 0x4F, ..] => PayloadCompression.Lzo,
        _ => PayloadCompression.Unknown,
    };

    /// <summary>The compressions this plugin decodes in-process.</summary>
    public static bool IsSupported(PayloadCompression compression) =>
        compression is PayloadCompression.Gzip or PayloadCompression.Xz or PayloadCompression.Zstd;
}
