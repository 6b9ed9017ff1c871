using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>The whole virtiofsd command per share: read-write shares as before, read-only ones behind a read-only bind.</summary>
public class VirtiofsdCommandTests
{
    private const string Socket = "/run/diskless/3f2a9c/vfs1.sock";

    private static readonly MountNamespaceTools Tools = new("/usr/bin/unshare", "/usr/bin/mount");

    private static readonly VirtiofsdInfo LegacyC = new("/usr/lib/qemu/virtiofsd", VirtiofsdFlavour.LegacyC);

    private static readonly VirtiofsdInfo Rust = new("/usr/libexec/virtiofsd", VirtiofsdFlavour.Rust);

    private static Share Folder(bool readOnly) => new("share1", "/home/me/project/extra", "/extra", ShareTransport.VirtioFs, ReadOnly: readOnly);

    [Theory]
    [InlineData(VirtiofsdFlavour.Rust)]
    [InlineData(VirtiofsdFlavour.LegacyC)]
    public void A_read_write_share_runs_virtiofsd_itself_with_its_usual_arguments(VirtiofsdFlavour flavour)
    {
        var virtiofsd = flavour == VirtiofsdFlavour.Rust ? Rust : LegacyC;

        var command = VirtiofsdCommand.Build(Folder(readOnly: false), Socket, virtiofsd, Tools);

        Assert.Equal(virtiofsd.Path, command.FileName);
        Assert.Equal(VirtiofsdArgs.Build(Folder(readOnly: false), Socket, flavour), command.Arguments);
    }

    [Fact]
    public void A_read_only_share_runs_virtiofsd_in_its_own_mount_namespace_with_exactly_its_folder_bound_read_only()
    {
        var share = Folder(readOnly: true);

        var command = VirtiofsdCommand.Build(share, Socket, LegacyC, Tools);

        Golden.AssertText(string.Join('\n', [command.FileName, .. command.Arguments]) + "\n", "virtiofsd-args/legacy-c-read-only.txt");

        // The host's unshare makes a private mount namespace and runs the host's shell in it. No --fork: unshare, the
        // shell and virtiofsd are one process in turn, so the pid the launcher records stays virtiofsd's.
        Assert.Equal(Tools.Unshare, command.FileName);
        var args = command.Arguments.ToList();
        Assert.Equal(["--mount", "--propagation", "private", "--", ReadOnlyBind.Shell, "-c", ReadOnlyBind.Script], args.Take(7));
        Assert.DoesNotContain("--fork", args);
        Assert.DoesNotContain("-f", args);

        // The script's $0, $1 (mount) and $2 (the folder): the share's host path exactly, as its own word, never
        // spliced into the script's text.
        Assert.Equal([ReadOnlyBind.ScriptName, Tools.Mount, share.HostPath], args.Skip(7).Take(3));
        Assert.DoesNotContain(share.HostPath, ReadOnlyBind.Script, StringComparison.Ordinal);

        // Then virtiofsd with the very arguments a read-write share gets.
        Assert.Equal([LegacyC.Path, .. VirtiofsdArgs.Build(share, Socket, LegacyC.Flavour)], args.Skip(10));
    }

    [Fact]
    public void The_wrapper_binds_its_folder_onto_itself_then_makes_that_bind_read_only_and_only_then_execs()
    {
        // The steps are joined by && so that a failed bind or remount never serves the folder writable, and the last
        // step is an exec, not a child.
        var steps = ReadOnlyBind.Script.Split(" && ");

        Assert.Equal(
            [
                "\"$1\" --bind -- \"$2\" \"$2\"",
                "\"$1\" -o remount,bind,ro -- \"$2\"",
                "shift 2",
                "exec \"$@\"",
            ],
            steps);
        Assert.Equal("/bin/sh", ReadOnlyBind.Shell);
    }

    [Fact]
    public void The_rust_virtiofsd_is_kept_read_only_the_same_way()
    {
        // One mechanism for both flavours: the Rust one's --readonly would be a promise of virtiofsd itself, while the
        // mount flag also holds against a virtiofsd the guest has taken over.
        var share = Folder(readOnly: true);

        var command = VirtiofsdCommand.Build(share, Socket, Rust, Tools);

        Assert.Equal(Tools.Unshare, command.FileName);
        Assert.Equal([Rust.Path, .. VirtiofsdArgs.Build(share, Socket, Rust.Flavour)], command.Arguments.Skip(10));
        Assert.DoesNotContain("--readonly", command.Arguments);
    }

    [Fact]
    public void A_read_only_share_is_refused_on_a_host_without_unshare_and_mount_never_served_writable()
    {
        var share = Folder(readOnly: true);

        var error = Assert.Throws<DisklessException>(() => VirtiofsdCommand.Build(share, Socket, LegacyC, tools: null));

        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Contains("'/extra'", error.Message, StringComparison.Ordinal);
        Assert.Contains(share.HostPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y util-linux", error.Hint, StringComparison.Ordinal);
        Assert.Contains("transport = \"9p\"", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_read_write_share_needs_no_unshare()
    {
        var command = VirtiofsdCommand.Build(Folder(readOnly: false), Socket, LegacyC, tools: null);

        Assert.Equal(LegacyC.Path, command.FileName);
    }
}
