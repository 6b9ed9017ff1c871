using Diskless.Abstractions;

namespace Diskless.Cli.Processes;

/// <summary>One of the mounts a chroot needs, and the commands that make and undo it.</summary>
internal sealed record ChrootMount(string Source, string Target, bool IsBind)
{
    public static IEnumerable<ChrootMount> For(string root) =>
    [
        new("proc", root + "/proc", IsBind: false),
        new("/sys", root + "/sys", IsBind: true),
        new("/dev", root + "/dev", IsBind: true),
    ];

    public IEnumerable<CommandSpec> MountCommands() => IsBind
        ?
        [
            Root("mount", "--rbind", Source, Target),
            // Without this, unmounting the copy later would propagate and unmount the host's own /dev/pts.
            Root("mount", "--make-rslave", Target),
        ]
        : [Root("mount", "-t", "proc", "proc", Target)];

    public IEnumerable<CommandSpec> UnmountCommands(bool lazy)
    {
        if (IsBind)
        {
            yield return Root("mount", "--make-rslave", Target);
        }

        yield return lazy ? Root("umount", "-R", "-l", Target) : Root("umount", "-R", Target);
    }

    private static CommandSpec Root(string program, params string[] arguments) =>
        new(program, arguments) { RequiresRoot = true };
}
