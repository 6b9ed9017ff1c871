using Diskless.Abstractions;

namespace Diskless.PluginSupport.Shares;

/// <summary>Checks the share tags the host planned before they reach fstab and the kernel command line.</summary>
public static class ShareTags
{
    public static void Validate(IReadOnlyList<Share> shares)
    {
        foreach (var share in shares)
        {
            var tag = share.Tag;
            string? problem =
                tag.Length == 0 ? "is empty" :
                share.IsRoot && tag.StartsWith("/dev", StringComparison.Ordinal) ? "starts with /dev, so the initramfs would wait for a block device" :
                share.IsRoot && tag.Contains('=', StringComparison.Ordinal) ? "holds '=', so the initramfs would read it as a device spec (LABEL=, UUID=)" :
                tag.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '#' or '\\') ? "holds a blank, '#' or '\\', which fstab cannot hold" :
                null;
            if (problem is not null)
            {
                throw new DisklessException(
                    $"The share tag '{tag}' for {share.GuestPath} {problem}.",
                    $"Use a tag made of letters, digits, '-' and '_', such as \"{Share.RootTag}\".");
            }
        }
    }
}
