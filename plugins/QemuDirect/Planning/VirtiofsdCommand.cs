using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Plans the whole command that starts one share's virtiofsd: the program and its arguments. Pure. A synced folder's
/// virtiofsd runs under <see cref="SetuidGuard"/>: nothing the guest does through it leaves a setuid or setgid file or a
/// device node on the host. The root's does not: the guest needs setuid programs (sudo) in its own root, which lies in
/// the data dir's 0700 machines folder, out of other host users' reach; nor does its /home served apart, part of that root.
/// </summary>
public static class VirtiofsdCommand
{
    /// <summary>
    /// virtiofsd serving <paramref name="share"/> on <paramref name="socketPath"/>; a read-only share's virtiofsd runs
    /// inside <see cref="ReadOnlyBind"/>, since neither the guest's fstab (guest root remounts it) nor the C virtiofsd
    /// (it has no read-only switch) can be trusted with it.
    /// </summary>
    /// <param name="share">The share.</param>
    /// <param name="socketPath">Its vhost-user socket.</param>
    /// <param name="virtiofsd">The virtiofsd to run.</param>
    /// <param name="tools">unshare and mount; null when the host lacks them.</param>
    /// <param name="privateRunFor">
    /// For a machine in a user namespace: its files, whose guest folder virtiofsd's private /run holds
    /// (<see cref="PrivateRunDirectory"/>): its socket lies there, and it can take its lock. The read-only bind, if
    /// any, is made around it.
    /// </param>
    /// <param name="filter">The synced folders' seccomp filter (encoded); null for this host's <see cref="SetuidFilter"/>.</param>
    /// <exception cref="DisklessException">The share is read-only, or a private /run is asked for, and the host lacks <paramref name="tools"/>.</exception>
    public static CommandSpec Build(Share share, string socketPath, VirtiofsdInfo virtiofsd, MountNamespaceTools? tools, MachineFiles? privateRunFor = null, byte[]? filter = null)
    {
        var plain = new CommandSpec(virtiofsd.Path, VirtiofsdArgs.Build(share, socketPath, virtiofsd.Flavour));
        if (!share.IsGuestTree)
        {
            // Innermost, so that every wrapper's mounts (private /run, read-only bind) are in place when bwrap binds "/".
            plain = SetuidGuard.Wrap(plain, filter ?? SetuidFilter.ForThisHost());
        }

        if (privateRunFor is not null)
        {
            plain = PrivateRunDirectory.Wrap(
                privateRunFor, plain, tools ?? throw MountNamespaceTools.Missing("virtiofsd runs in the machine's user namespace with a private /run"));
        }

        if (!share.ReadOnly)
        {
            return plain;
        }

        // Never served writable instead: the Disklessfile promised the folder would not change.
        return tools is null
            ? throw new DisklessException(
                $"The synced folder '{share.GuestPath}' ({share.HostPath}) is read_only over virtiofs, which needs unshare and mount on the host to keep it read-only, and they were not found.",
                "Install them (apt-get install -y util-linux mount), or set transport = \"9p\" for this folder, where QEMU enforces read-only itself.",
                ExitCodes.NotAvailable)
            : ReadOnlyBind.Wrap(share.HostPath, plain, tools);
    }
}
