namespace Diskless.Abstractions;

/// <summary>
/// A user and mount namespace with a machine's <see cref="IdMap"/>, kept open while Diskless works on the machine.
/// Every step that acts on a machine's root (building it, configuring it, QEMU and virtiofsd serving it) runs in
/// here as guest root, which is an unprivileged subordinate id on the host.
/// </summary>
public interface IUserNamespace
{
    /// <summary>The mapping of the namespace's ids to host ids.</summary>
    IdMap Map { get; }

    /// <summary>
    /// Wraps <paramref name="inner"/> so that it runs inside the namespace as guest root (uid 0, gid 0, no
    /// supplementary groups). Entering the mount namespace starts at its "/": the program must be a name on PATH or
    /// an absolute path, and a working directory is passed along explicitly.
    /// </summary>
    CommandSpec Enter(CommandSpec inner);
}
