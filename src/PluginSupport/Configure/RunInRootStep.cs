using Diskless.Abstractions;

namespace Diskless.PluginSupport.Configure;

/// <summary>
/// Runs a program of the root through <see cref="IChroot"/>: only for a fresh clone of the base, before the guest
/// first ran (a chroot is no sandbox; the executor refuses one in a plan for a root the guest has run). It sits in
/// the plan among the file edits because its place in their order matters (the initramfs is built after its
/// configuration is written).
/// </summary>
public sealed record RunInRootStep(CommandSpec Command) : RootEdit
{
    /// <inheritdoc />
    public override string GuestPath => "/";

    /// <inheritdoc />
    public override string Describe() => $"run {Command}";
}
