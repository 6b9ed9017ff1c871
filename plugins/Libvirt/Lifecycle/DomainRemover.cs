using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>Takes a failed start back: the domain destroyed if it runs, then undefined. Never throws over the error that led here.</summary>
internal static class DomainRemover
{
    public static async Task RemoveAsync(Virsh virsh, DomainIdentity identity, LibvirtTimings timings, TimeProvider time, IProgressReporter progress)
    {
        // Not the caller's token: it may be the one that was cancelled (Ctrl-C), and the domain must go all the same.
        using var bounded = new CancellationTokenSource(timings.DestroyTimeout, time);
        try
        {
            await virsh.TryRunAsync("stop the domain", bounded.Token, "destroy", identity.Name).ConfigureAwait(false);
            await virsh.TryRunAsync("undefine the domain", bounded.Token, "undefine", identity.Name).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DisklessException or OperationCanceledException)
        {
            progress.Warn($"could not remove the libvirt domain {identity.Name} after the failed start ({e.Message}); remove it with: virsh -c {virsh.Uri} destroy {identity.Name}; virsh -c {virsh.Uri} undefine {identity.Name}");
        }
    }
}
