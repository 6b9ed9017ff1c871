using Diskless.Abstractions;
using Diskless.PluginSupport.Accounts;
using Diskless.PluginSupport.Configure;

namespace Diskless.Plugins.Arch.Configure;

/// <summary>What the planner needs to know about an Arch machine root before changing it.</summary>
/// <param name="Accounts">The account databases, as the guest left them.</param>
/// <param name="Skeleton">The regular files of /etc/skel.</param>
/// <param name="SshHostKeyFiles">Guest paths of the host keys already in /etc/ssh.</param>
/// <param name="LocaleGen">/etc/locale.gen as it is; null when absent.</param>
internal sealed record ArchRootFacts(AccountFiles Accounts, IReadOnlyList<RootFile> Skeleton, IReadOnlyList<string> SshHostKeyFiles, string? LocaleGen)
{
    public static async Task<ArchRootFacts> ReadAsync(IRootFiles root, CancellationToken cancellationToken) =>
        new(
            await SharedRootReads.AccountsAsync(root, cancellationToken).ConfigureAwait(false),
            await SharedRootReads.SkeletonAsync(root, cancellationToken).ConfigureAwait(false),
            await SharedRootReads.SshHostKeyFilesAsync(root, cancellationToken).ConfigureAwait(false),
            (await root.ReadAsync("/etc/locale.gen", SharedRootReads.MaxSmallFile, cancellationToken).ConfigureAwait(false))?.Content);
}
