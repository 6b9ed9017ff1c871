using System.Net;
using Diskless.Abstractions;

namespace Diskless.Testing;

/// <summary>Specs as the host would hand them to the plugin, defaults applied.</summary>
public static class Specs
{
    public static readonly SourceLocation DistroTable = new("/project/Disklessfile", 5, 1);

    public static DistroSpec Distro(
        string? release = null,
        string? mirror = null,
        IReadOnlyList<string>? packages = null,
        string user = "diskless",
        string locale = "C.UTF-8",
        string timezone = "UTC",
        IReadOnlyDictionary<string, SpecValue>? settings = null,
        string name = "debian") =>
        new(name, release, mirror, packages ?? [], user, locale, timezone, settings ?? new Dictionary<string, SpecValue>(), DistroTable);

    public static MachineSpec Machine(DistroSpec? distro = null, ShareTransport transport = ShareTransport.VirtioFs) =>
        new(
            "dev",
            "/project",
            "/project/Disklessfile",
            2,
            2048,
            distro ?? Distro(),
            new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
            new ShareSpec(transport),
            [],
            [],
            [],
            TimeSpan.FromMinutes(5));

    /// <summary>What QEMU's user network gives a guest: a fixed address, QEMU as gateway and DNS.</summary>
    public static GuestNetwork StaticNetwork() =>
        new(new StaticAddress(IPAddress.Parse("10.0.2.15"), 24, IPAddress.Parse("10.0.2.2")), [IPAddress.Parse("10.0.2.3")]);

    /// <summary>A network whose DHCP server hands out the address (as libvirt's default network does).</summary>
    public static GuestNetwork DhcpNetwork() => GuestNetwork.Dhcp(IPAddress.Parse("192.168.122.1"));

    /// <summary>
    /// The root share plus, when asked, a read-write and a read-only synced folder over <paramref name="syncedTransport"/>;
    /// over a virtiofs root also its /home served apart.
    /// </summary>
    public static IReadOnlyList<Share> Shares(string rootPath, ShareTransport transport, ShareTransport? syncedTransport = null, int msize = ShareSpec.DefaultNinePMsize)
    {
        List<Share> shares = [new Share(Share.RootTag, rootPath, "/", transport, NinePMsize: msize)];
        if (syncedTransport is { } synced)
        {
            shares.Add(new Share("sync0", "/project", "/project", synced, NinePMsize: msize));
            shares.Add(new Share("sync1", "/project/docs", "/home/diskless/read only docs", synced, ReadOnly: true, NinePMsize: msize));
        }

        // As the host plans it for a provider that serves a virtiofs root's /home apart (last, after the synced folders).
        if (transport == ShareTransport.VirtioFs)
        {
            shares.Add(new Share(Share.HomeTag, Path.Combine(rootPath, "home"), Share.HomeGuestPath, ShareTransport.VirtioFs, PartOfRoot: true));
        }

        return shares;
    }

    /// <summary>Host key files with recognisable fake contents, in <paramref name="directory"/>.</summary>
    public static GuestIdentity Identity(string directory, string user = "diskless")
    {
        Directory.CreateDirectory(directory);
        var keys = new List<HostKeyFiles>();
        foreach (var algorithm in new[] { "ed25519", "rsa" })
        {
            var privateKey = Path.Combine(directory, $"ssh_host_{algorithm}_key");
            File.WriteAllText(privateKey, $"-----BEGIN OPENSSH PRIVATE KEY-----\nfake {algorithm} host key\n-----END OPENSSH PRIVATE KEY-----\n");
            File.WriteAllText(privateKey + ".pub", $"ssh-{algorithm} AAAAfake{algorithm} diskless-host\n");
            keys.Add(new HostKeyFiles(algorithm, privateKey, privateKey + ".pub"));
        }

        return new GuestIdentity(user, "ssh-ed25519 AAAAC3NzaFakeUserKey diskless@dev\n", keys);
    }
}
