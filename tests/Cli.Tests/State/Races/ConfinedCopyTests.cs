using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State.Races;

/// <summary>What the sandbox of a snapshot copy shows: the nearest folder holding source and copy, the rest of it covered.</summary>
public sealed class ConfinedCopyTests : IDisposable
{
    private static readonly HostProgramFolder[] Programs = [new("/usr", null)];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_snapshot_copy_shows_the_machines_folder_with_everything_but_the_root_and_the_new_snapshot_covered()
    {
        var machine = _temp.Combine("machines", "abc");
        Directory.CreateDirectory(Path.Combine(machine, "root", "etc"));
        Directory.CreateDirectory(Path.Combine(machine, "snapshots", "old"));
        Directory.CreateDirectory(Path.Combine(machine, "snapshots", "new"));
        Directory.CreateDirectory(Path.Combine(machine, "state"));
        File.WriteAllText(Path.Combine(machine, "base"), "key\n");
        File.WriteAllText(Path.Combine(machine, "snapshots", "note"), "");

        var command = ConfinedCopy.Command(Path.Combine(machine, "root"), Path.Combine(machine, "snapshots", "new"), reflink: true, Programs);
        var line = string.Join(' ', command.Arguments);

        Assert.Contains($"--bind {machine} /data ", line, StringComparison.Ordinal);
        Assert.Contains("--tmpfs /data/snapshots/old", line, StringComparison.Ordinal);
        Assert.Contains("--tmpfs /data/state", line, StringComparison.Ordinal);
        Assert.Contains("--ro-bind /dev/null /data/base", line, StringComparison.Ordinal);
        Assert.Contains("--ro-bind /dev/null /data/snapshots/note", line, StringComparison.Ordinal);
        Assert.DoesNotContain("/data/root ", line.Replace("/data/root/.", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("/data/snapshots/new ", line, StringComparison.Ordinal);
        Assert.EndsWith("-- cp -a --reflink=always --one-file-system /data/root/. /data/snapshots/new", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restore_copies_a_snapshot_beside_the_root_in_the_same_confinement()
    {
        var machine = _temp.Combine("machines", "abc");
        Directory.CreateDirectory(Path.Combine(machine, "root"));
        Directory.CreateDirectory(Path.Combine(machine, "snapshots", "s1"));
        Directory.CreateDirectory(Path.Combine(machine, "root.restoring"));

        var line = string.Join(' ', ConfinedCopy.Command(Path.Combine(machine, "snapshots", "s1"), Path.Combine(machine, "root.restoring"), reflink: false, Programs).Arguments);

        Assert.Contains("--tmpfs /data/root ", line, StringComparison.Ordinal);
        Assert.EndsWith("-- cp -a --reflink=auto --one-file-system /data/snapshots/s1/. /data/root.restoring", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Trees_that_share_no_folder_but_the_hosts_root_are_not_copied_confined()
    {
        Assert.Equal("/a/b", ConfinedCopy.CommonFolder("/a/b/root", "/a/b/snapshots/s1"));
        Assert.Throws<ArgumentException>(() => ConfinedCopy.CommonFolder("/a/root", "/b/copy"));
    }
}
