using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>One change to a machine root, planned by <see cref="ConfigurePlanner"/> and applied by <see cref="ConfigureExecutor"/>.</summary>
internal abstract record RootStep
{
    /// <summary>One line for the plan's golden file and for --verbose.</summary>
    public abstract string Describe();

    protected static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    protected static string OwnerText(Owner? owner) => owner is null ? "" : $" {owner}";
}

/// <summary>
/// An owner the host gives a path in the root (with lchown, never through a link). A step with one also refuses a
/// path with a link in it: what the link points to would be handed to the guest's user.
/// </summary>
internal sealed record Owner(int Uid, int Gid)
{
    public static readonly Owner Root = new(0, 0);

    public override string ToString() => $"{Uid}:{Gid}";
}

/// <summary>Writes a rendered file (replacing a link there rather than writing through it), then gives it to <see cref="Owner"/>.</summary>
internal sealed record WriteFileStep(string GuestPath, string Content, UnixFileMode Mode, Owner? Owner = null) : RootStep
{
    public override string Describe() => $"write {Octal(Mode)}{OwnerText(Owner)} {GuestPath}";
}

/// <summary>Copies a host file (an SSH host key) into the root.</summary>
internal sealed record CopyFileStep(string HostSource, string GuestPath, UnixFileMode Mode) : RootStep
{
    public override string Describe() => $"copy {Octal(Mode)} {GuestPath}";
}

/// <summary>Creates a folder, or sets the mode of the one there, then gives it to <see cref="Owner"/>.</summary>
internal sealed record CreateDirectoryStep(string GuestPath, UnixFileMode Mode, Owner? Owner = null) : RootStep
{
    public override string Describe() => $"mkdir {Octal(Mode)}{OwnerText(Owner)} {GuestPath}";
}

/// <summary>Creates or replaces a symbolic link; the target is written as given, as the guest will read it.</summary>
internal sealed record SymlinkStep(string GuestPath, string Target) : RootStep
{
    public override string Describe() => $"link {GuestPath} -> {Target}";
}

/// <summary>Removes a file or link when present.</summary>
internal sealed record DeleteFileStep(string GuestPath) : RootStep
{
    public override string Describe() => $"delete {GuestPath}";
}

/// <summary>
/// Runs a program inside the root through <see cref="IChroot"/>: only for a fresh clone of the base, before the
/// guest first ran (a chroot is no sandbox; the executor refuses one in a plan for a root the guest has run).
/// </summary>
internal sealed record RunInRootStep(CommandSpec Command) : RootStep
{
    public override string Describe() => $"run {Command}";
}
