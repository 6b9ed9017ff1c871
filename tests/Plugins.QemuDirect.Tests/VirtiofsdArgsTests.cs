using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

public class VirtiofsdArgsTests
{
    private static readonly Share Root = new(Share.RootTag, "/var/lib/diskless/machines/0b7e4c/root", "/", ShareTransport.VirtioFs);

    [Fact]
    public void The_rust_virtiofsd_gets_long_options()
    {
        var args = VirtiofsdArgs.Build(Root, "/run/diskless/3f2a9c/vfs0.sock", VirtiofsdFlavour.Rust);

        Golden.AssertText(string.Join('\n', args) + "\n", "virtiofsd-args/rust.txt");

        // Long options only: every word is "--name", "--name=value" or the value of an option that takes one.
        string[] withValue = ["--shared-dir", "--socket-path", "--cache"];
        for (var i = 0; i < args.Count; i++)
        {
            Assert.True(
                args[i].StartsWith("--", StringComparison.Ordinal) || (i > 0 && withValue.Contains(args[i - 1])),
                $"'{args[i]}' is neither a long option nor the value of one");
        }

        Assert.DoesNotContain("-o", args);
        Assert.Equal(Root.HostPath, QemuArgList.ValueOf(args, "--shared-dir"));
        Assert.Equal("/run/diskless/3f2a9c/vfs0.sock", QemuArgList.ValueOf(args, "--socket-path"));
        Assert.Equal("always", QemuArgList.ValueOf(args, "--cache"));
        Assert.Contains("--xattr", args);
        Assert.Contains("--announce-submounts", args);
    }

    [Fact]
    public void The_C_virtiofsd_gets_fuse_style_options()
    {
        var args = VirtiofsdArgs.Build(Root, "/run/diskless/3f2a9c/vfs0.sock", VirtiofsdFlavour.LegacyC);

        Golden.AssertText(string.Join('\n', args) + "\n", "virtiofsd-args/legacy-c.txt");

        // The socket as the one long option, then nothing but FUSE-style "-o name[=value]" pairs.
        Assert.Equal("--socket-path=/run/diskless/3f2a9c/vfs0.sock", args[0]);
        var rest = args.Skip(1).ToList();
        Assert.True(rest.Count % 2 == 0, "every -o needs its value");
        Assert.All(rest.Where((_, i) => i % 2 == 0), word => Assert.Equal("-o", word));
        var options = rest.Where((_, i) => i % 2 == 1).ToList();
        Assert.All(options, o => Assert.False(o.StartsWith('-'), $"'{o}' is an option where a -o value belongs"));
        Assert.Contains($"source={Root.HostPath}", options);
        Assert.Contains("cache=always", options);
        Assert.Contains("xattr", options);
        Assert.Contains("posix_acl", options);
        Assert.Contains("announce_submounts", options);
    }

    [Fact]
    public void A_synced_folder_of_the_C_virtiofsd_has_its_names_forgotten_at_last_use_and_the_root_keeps_its_cache()
    {
        var synced = new Share("sync0", "/home/dev/project", "/project", ShareTransport.VirtioFs);
        static List<string> Options(Share share) =>
            VirtiofsdArgs.Build(share, "/run/s.sock", VirtiofsdFlavour.LegacyC).Where((_, i) => i % 2 == 0).ToList();

        // A zero timeout is what makes the guest's kernel forget an unused inode (and virtiofsd close its descriptor).
        var folder = Options(synced);
        Assert.Contains("timeout=0", folder);
        Assert.Contains("no_readdirplus", folder);
        Assert.DoesNotContain(folder, o => o.StartsWith("timeout=", StringComparison.Ordinal) && o != "timeout=0");

        // The root keeps cache=always's long timeouts and readdirplus: with a zero timeout the boot took 2.5 times as long.
        var root = Options(Root);
        Assert.DoesNotContain(root, o => o.StartsWith("timeout=", StringComparison.Ordinal) || o == "no_readdirplus");
        Assert.DoesNotContain(VirtiofsdArgs.Build(synced, "/run/s.sock", VirtiofsdFlavour.Rust), a => a.Contains("timeout", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(VirtiofsdFlavour.Rust)]
    [InlineData(VirtiofsdFlavour.LegacyC)]
    public void The_root_is_cached_by_the_guest_and_a_synced_folder_the_host_edits_is_revalidated(VirtiofsdFlavour flavour)
    {
        var synced = new Share("sync0", "/home/dev/project", "/project", ShareTransport.VirtioFs);

        var root = string.Join(' ', VirtiofsdArgs.Build(Root, "/run/s.sock", flavour));
        var folder = string.Join(' ', VirtiofsdArgs.Build(synced, "/run/s.sock", flavour));

        Assert.Matches("cache[= ]always", root);
        Assert.Matches("cache[= ]auto", folder);
    }

    [Fact]
    public void A_synced_folder_keeps_the_guests_file_capabilities_in_a_user_xattr_and_the_root_keeps_real_ones()
    {
        var synced = new Share("sync0", "/home/dev/project", "/project", ShareTransport.VirtioFs);

        Assert.Equal(["-o", "xattrmap=:prefix:all:security.capability:user.virtiofs.::ok:all:::"], VirtiofsdArgs.Build(synced, "/run/s.sock", VirtiofsdFlavour.LegacyC).TakeLast(2));
        Assert.Equal(["--xattrmap", SetuidGuard.XattrMap], VirtiofsdArgs.Build(synced, "/run/s.sock", VirtiofsdFlavour.Rust).TakeLast(2));
        Assert.All(
            new[] { VirtiofsdFlavour.LegacyC, VirtiofsdFlavour.Rust },
            flavour => Assert.DoesNotContain(VirtiofsdArgs.Build(Root, "/run/s.sock", flavour), a => a.Contains("xattrmap", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_synced_folders_virtiofsd_gives_up_fsetid_so_its_writes_clear_set_id_bits_and_the_roots_keeps_it()
    {
        var synced = new Share("sync0", "/home/dev/project", "/project", ShareTransport.VirtioFs);

        Assert.Contains("modcaps=-fsetid", VirtiofsdArgs.Build(synced, "/run/s.sock", VirtiofsdFlavour.LegacyC));
        Assert.Contains("--modcaps=-fsetid", VirtiofsdArgs.Build(synced, "/run/s.sock", VirtiofsdFlavour.Rust));
        Assert.All(
            new[] { VirtiofsdFlavour.LegacyC, VirtiofsdFlavour.Rust },
            flavour => Assert.DoesNotContain(VirtiofsdArgs.Build(Root, "/run/s.sock", flavour), a => a.Contains("modcaps", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_roots_home_served_apart_gets_the_roots_options_and_forgets_names_at_last_use()
    {
        var home = new Share(Share.HomeTag, Root.HostPath + "/home", Share.HomeGuestPath, ShareTransport.VirtioFs, PartOfRoot: true);

        var args = VirtiofsdArgs.Build(home, "/run/diskless/3f2a9c/vfs2.sock", VirtiofsdFlavour.LegacyC);

        Golden.AssertText(string.Join('\n', args) + "\n", "virtiofsd-args/legacy-c-home.txt");

        // The root's arguments for its own folder, then the bound: no synced folder's capability or xattr choices.
        Assert.Equal(
            [.. VirtiofsdArgs.Build(Root with { HostPath = home.HostPath }, "/run/diskless/3f2a9c/vfs2.sock", VirtiofsdFlavour.LegacyC), .. VirtiofsdArgs.HeldDescriptorsBound],
            args);
        Assert.Contains("cache=always", args);
        Assert.DoesNotContain(args, a => a.Contains("modcaps", StringComparison.Ordinal) || a.Contains("xattrmap", StringComparison.Ordinal));
        Assert.Equal([.. VirtiofsdArgs.Build(Root with { HostPath = home.HostPath }, "/s", VirtiofsdFlavour.Rust)], VirtiofsdArgs.Build(home, "/s", VirtiofsdFlavour.Rust));
    }

    [Fact]
    public void A_comma_in_the_folder_is_escaped_for_the_C_virtiofsd()
    {
        var args = VirtiofsdArgs.Build(Root with { HostPath = "/srv/a,b" }, "/run/s.sock", VirtiofsdFlavour.LegacyC);

        Assert.Contains("source=/srv/a\\,b", args);
    }
}
