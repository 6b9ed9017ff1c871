using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// The whole virtiofsd command per share: a synced folder's under the setuid filter (and, read-only, behind a read-only
/// bind), the root's as it is.
/// </summary>
public class VirtiofsdCommandTests
{
    private const string Socket = "/run/diskless/3f2a9c/vfs1.sock";

    private static readonly MountNamespaceTools Tools = new("/usr/bin/unshare", "/usr/bin/mount");

    private static readonly VirtiofsdInfo LegacyC = new("/usr/lib/qemu/virtiofsd", VirtiofsdFlavour.LegacyC);

    private static readonly VirtiofsdInfo Rust = new("/usr/libexec/virtiofsd", VirtiofsdFlavour.Rust);

    private static readonly byte[] Filter = [0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x7f];

    private static readonly Share Root = new(Share.RootTag, "/var/lib/diskless/machines/0b7e4c/root", "/", ShareTransport.VirtioFs);

    private static Share Folder(bool readOnly) => new("share1", "/home/me/project/extra", "/extra", ShareTransport.VirtioFs, ReadOnly: readOnly);

    /// <summary>The guard's words before the program: bash, its script, its $0 and the filter.</summary>
    private static string[] Guard(byte[] filter) => ["-c", SetuidGuard.Script, SetuidGuard.ScriptName, SetuidGuard.PrintfEscapes(filter)];

    [Theory]
    [InlineData(VirtiofsdFlavour.Rust)]
    [InlineData(VirtiofsdFlavour.LegacyC)]
    public void A_read_write_synced_folder_runs_virtiofsd_under_the_setuid_filter_with_its_usual_arguments(VirtiofsdFlavour flavour)
    {
        var virtiofsd = flavour == VirtiofsdFlavour.Rust ? Rust : LegacyC;

        var command = VirtiofsdCommand.Build(Folder(readOnly: false), Socket, virtiofsd, Tools, filter: Filter);

        Assert.Equal(SetuidGuard.Shell, command.FileName);
        Assert.Equal([.. Guard(Filter), virtiofsd.Path, .. VirtiofsdArgs.Build(Folder(readOnly: false), Socket, flavour)], command.Arguments);
        Assert.False(command.RequiresRoot, "host root is the launcher's business (sudo or the namespace), outside the guard");
    }

    [Fact]
    public void Without_a_filter_given_the_host_s_own_is_used()
    {
        var command = VirtiofsdCommand.Build(Folder(readOnly: false), Socket, LegacyC, Tools);

        Assert.Equal(SetuidGuard.PrintfEscapes(SetuidFilter.ForThisHost()), command.Arguments[3]);
    }

    [Theory]
    [InlineData(VirtiofsdFlavour.Rust)]
    [InlineData(VirtiofsdFlavour.LegacyC)]
    public void The_root_s_virtiofsd_runs_unfiltered_so_the_guest_keeps_setuid_programs_and_file_capabilities(VirtiofsdFlavour flavour)
    {
        var virtiofsd = flavour == VirtiofsdFlavour.Rust ? Rust : LegacyC;

        var command = VirtiofsdCommand.Build(Root, Socket, virtiofsd, Tools, filter: Filter);

        Assert.Equal(virtiofsd.Path, command.FileName);
        Assert.Equal(VirtiofsdArgs.Build(Root, Socket, flavour), command.Arguments);
        Assert.DoesNotContain(command.Arguments, a => a.Contains("xattrmap", StringComparison.Ordinal));
    }

    [Fact]
    public void The_roots_home_served_apart_runs_unfiltered_like_the_root()
    {
        var home = new Share(Share.HomeTag, Root.HostPath + "/home", Share.HomeGuestPath, ShareTransport.VirtioFs, PartOfRoot: true);

        var command = VirtiofsdCommand.Build(home, Socket, LegacyC, Tools, filter: Filter);

        Assert.Equal(LegacyC.Path, command.FileName);
        Assert.Equal(VirtiofsdArgs.Build(home, Socket, LegacyC.Flavour), command.Arguments);
    }

    [Fact]
    public void A_read_only_share_runs_virtiofsd_in_its_own_mount_namespace_with_exactly_its_folder_bound_read_only()
    {
        var share = Folder(readOnly: true);

        var command = VirtiofsdCommand.Build(share, Socket, LegacyC, Tools, filter: Filter);

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

        // Then virtiofsd under the setuid filter, with the very arguments a read-write share gets.
        Assert.Equal([SetuidGuard.Shell, .. Guard(Filter), LegacyC.Path, .. VirtiofsdArgs.Build(share, Socket, LegacyC.Flavour)], args.Skip(10));
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

        var command = VirtiofsdCommand.Build(share, Socket, Rust, Tools, filter: Filter);

        Assert.Equal(Tools.Unshare, command.FileName);
        Assert.Equal([SetuidGuard.Shell, .. Guard(Filter), Rust.Path, .. VirtiofsdArgs.Build(share, Socket, Rust.Flavour)], command.Arguments.Skip(10));
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
        var command = VirtiofsdCommand.Build(Folder(readOnly: false), Socket, LegacyC, tools: null, filter: Filter);

        Assert.Equal(SetuidGuard.Shell, command.FileName);
        Assert.Equal(LegacyC.Path, command.Arguments[4]);
    }

    [Fact]
    public void In_the_machines_namespace_a_host_without_unshare_and_mount_gets_the_one_error_that_names_them_and_their_package()
    {
        var files = MachineFiles.For(TestPlans.Plan(ShareTransport.VirtioFs), inNamespace: true);

        var error = Assert.Throws<DisklessException>(() => VirtiofsdCommand.Build(Folder(readOnly: false), Socket, LegacyC, tools: null, privateRunFor: files, filter: Filter));

        Assert.Equal("virtiofsd runs in the machine's user namespace with a private /run, which needs unshare and mount, and they were not found.", error.Message);
        Assert.Equal("Install them: apt-get install -y util-linux mount", error.Hint);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
    }
}
