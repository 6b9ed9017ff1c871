using System.Net;
using System.Net.Sockets;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>
/// One real machine per transport, brought up once with `diskless up` and shared by every test of the class:
/// a TCG boot costs 30-45 s, so each scenario boots once and asserts many things against that machine.
/// </summary>
public abstract class MachineFixture : IAsyncLifetime
{
    private static readonly TimeSpan FirstUpTimeout = TimeSpan.FromMinutes(20);

    protected MachineFixture(string transport, string provider = "qemu", bool rootOwnedFolder = false)
    {
        Transport = transport;
        Provider = provider;
        HasRootOwnedFolder = rootOwnedFolder;
        Name = provider == "qemu" ? $"e2e-{transport}" : $"e2e-{provider}-{transport}";
        ProjectDirectory = Directory.CreateTempSubdirectory($"diskless-{Name}-").FullName;
        HttpPort = FreePort();
    }

    public string Transport { get; }

    /// <summary>The provider plugin the machine runs on.</summary>
    public string Provider { get; }

    /// <summary>The machine's name, also the guest's hostname.</summary>
    public string Name { get; }

    public string ProjectDirectory { get; }

    public int HttpPort { get; }

    public CliRun? FirstUp { get; private set; }

    /// <summary>A folder outside the project, synced at /outside: a request the Disklessfile makes, granted by `diskless trust`.</summary>
    public string Outside { get; } = Directory.CreateTempSubdirectory("diskless-e2e-outside-").FullName;

    /// <summary>The up before `diskless trust`, refused; then the trust itself.</summary>
    public (CliRun Untrusted, CliRun Trust)? Consent { get; private set; }

    /// <summary>Why the machine could not be brought up (then every test fails with this), or null.</summary>
    public string? SetupFailure { get; private set; }

    public string SyncedFolder => Path.Combine(ProjectDirectory, "shared");

    /// <summary>Whether the machine also syncs <see cref="RootOwnedFolder"/>.</summary>
    public bool HasRootOwnedFolder { get; }

    /// <summary>
    /// A folder of host root's in the project, synced at /rootowned: the quick start's case (root runs Diskless on a
    /// root-owned checkout), where host uid 0 is nobody in the guest unless Diskless idmaps the folder.
    /// </summary>
    public string RootOwnedFolder => Path.Combine(ProjectDirectory, "rootowned");

    /// <summary>Where the whole project is synced in the guest, as the quick start syncs it: the guest writes the project's every file.</summary>
    public const string ProjectInGuest = "/workspace";

    /// <summary>A host file outside the guest's reach that the guest aims links at; no command may change it.</summary>
    public string Canary { get; } = Path.Combine(Path.GetTempPath(), $"diskless-canary-{Guid.NewGuid():n}");

    public const string CanaryText = "a host file no guest may write\n";

    public async Task InitializeAsync()
    {
        string[] programs = Provider == "libvirt" ? ["qemu-system-x86_64", "mmdebstrap", "ssh", "virsh"] : ["qemu-system-x86_64", "mmdebstrap", "ssh"];
        if (Prerequisites.Missing(root: true, programs) is { } missing)
        {
            SetupFailure = missing;
            return;
        }

        // As on a developer's machine: the project is uid 1000's, in a folder others may pass; guest root, an
        // unprivileged id, reaches the synced folders, and the guest's user is the project's owner.
        File.SetUnixFileMode(ProjectDirectory, (UnixFileMode)0b111_101_101);
        await CliWrap.Cli.Wrap("chown").WithArguments(["1000:1000", ProjectDirectory]).RunWithTimeoutAsync();
        Directory.CreateDirectory(SyncedFolder);
        await File.WriteAllTextAsync(Path.Combine(SyncedFolder, "from-host.txt"), "written on the host\n");
        // As on a developer's machine, the project belongs to uid 1000, as does the guest's first user.
        File.SetUnixFileMode(SyncedFolder, (UnixFileMode)0b111_101_101);
        await CliWrap.Cli.Wrap("chown").WithArguments(["-R", "1000:1000", SyncedFolder]).RunWithTimeoutAsync();
        if (HasRootOwnedFolder)
        {
            Directory.CreateDirectory(RootOwnedFolder);
            File.SetUnixFileMode(RootOwnedFolder, (UnixFileMode)0b111_101_101);
            await File.WriteAllTextAsync(Path.Combine(RootOwnedFolder, "from-root.txt"), "root's own file\n");
        }

        await File.WriteAllTextAsync(Canary, CanaryText);
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "Disklessfile"), Disklessfile());
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "index.html"), $"hello over {Transport}\n");
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "www.sh"), WebServerScript);
        await File.WriteAllTextAsync(Path.Combine(Outside, "beyond.txt"), "outside the project\n");
        File.SetUnixFileMode(Outside, (UnixFileMode)0b111_101_101);
        var untrusted = await RunAsync(TimeSpan.FromMinutes(1), "up");
        var trust = await RunAsync(TimeSpan.FromMinutes(1), "trust");
        Consent = (untrusted, trust);
        FirstUp = await RunAsync(FirstUpTimeout, "up");
        if (FirstUp.ExitCode != 0)
        {
            SetupFailure = "diskless up failed: " + FirstUp;
        }
    }

    public async Task DisposeAsync()
    {
        // Whatever the tests did, leave no machine behind.
        await RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        await RunAsync(TimeSpan.FromMinutes(1), "trust", "--revoke");
        Directory.Delete(ProjectDirectory, recursive: true);
        Directory.Delete(Outside, recursive: true);
        File.Delete(Canary);
    }

    public Task<CliRun> RunAsync(TimeSpan timeout, params string[] arguments) =>
        DisklessProcess.RunAsync(ProjectDirectory, timeout, arguments);

    /// <summary>Changes the Disklessfile and trusts it again, as its user would: an edit voids the consent to its requests.</summary>
    public async Task ChangeDisklessfileAsync(Func<string, string> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var path = Path.Combine(ProjectDirectory, "Disklessfile");
        await File.WriteAllTextAsync(path, change(await File.ReadAllTextAsync(path)));
        var trust = await RunAsync(TimeSpan.FromMinutes(1), "trust");
        Assert.True(trust.ExitCode == 0, trust.ToString());
    }

    public Task<CliRun> SshAsync(string command) =>
        RunAsync(TimeSpan.FromMinutes(2), "ssh", "-c", command);

    /// <summary>Reads the host's file in the synced folder from the guest, writes one back, and checks the host sees it.</summary>
    public async Task AssertSyncedFolderCarriesFilesBothWaysAsync(string expectedFromHost = "written on the host\n")
    {
        var run = await SshAsync("cat /project/from-host.txt && echo 'written in the guest' > /project/from-guest.txt");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(expectedFromHost, run.Stdout);
        Assert.Equal("written in the guest\n", await File.ReadAllTextAsync(Path.Combine(SyncedFolder, "from-guest.txt")));
    }

    /// <summary>The body the guest's web server (set up by the provisioners) serves on the forwarded port; "" when it never answered.</summary>
    public async Task<string> HttpGetAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                return await http.GetStringAsync(new Uri($"http://127.0.0.1:{HttpPort}/"));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        return "";
    }

    public void EnsureUp(ITestOutputHelper output)
    {
        if (FirstUp is not null)
        {
            output.WriteLine($"first up ({Transport}): {FirstUp.Duration.TotalSeconds:F1}s");
        }

        Assert.True(SetupFailure is null, SetupFailure);
    }

    // The default base (no extra packages), shared with the Debian plugin's real test: one debootstrap per machine.
    private string Disklessfile() => $"""
        name = "{Name}"
        cpus = 2
        memory = "1GiB"

        [provider]
        name = "{Provider}"

        [distro]
        name = "debian"
        release = "bookworm"

        [share]
        transport = "{Transport}"

        [[synced_folders]]
        host = "shared"
        guest = "/project"

        [[synced_folders]]
        host = "."
        guest = "{ProjectInGuest}"

        [[synced_folders]]
        host = "{Outside}"
        guest = "/outside"

        {(HasRootOwnedFolder ? "[[synced_folders]]\nhost = \"rootowned\"\nguest = \"/rootowned\"\n" : "")}
        [[ports]]
        host = {HttpPort}
        guest = 80

        [[provision]]
        shell = "echo provisioned >> /var/log/provision-count; mkdir -p /srv/www"

        [[provision]]
        file.source = "index.html"
        file.destination = "/srv/www/index.html"

        [[provision]]
        script = "www.sh"
        """;

    // A one-file web server from what the base already has: systemd-socket-activate hands each connection to a script.
    private const string WebServerScript = """
        #!/bin/sh
        set -e
        cat > /usr/local/bin/www-reply <<'EOF'
        #!/bin/sh
        while read -r line; do [ "$line" = "$(printf '\r')" ] && break; done
        printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n'
        cat /srv/www/index.html
        EOF
        chmod 755 /usr/local/bin/www-reply
        systemd-run --unit www systemd-socket-activate -l 80 --inetd -a /usr/local/bin/www-reply

        """;

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The virtiofs machine also syncs a root-owned folder (<see cref="MachineFixture.RootOwnedFolder"/>).</summary>
public sealed class VirtioFsMachine() : MachineFixture("virtiofs", rootOwnedFolder: true);

public sealed class NinePMachine() : MachineFixture("9p");

/// <summary>A machine of the libvirt provider, brought up over virtiofs (its scenario reloads it onto 9p).</summary>
public sealed class LibvirtMachine() : MachineFixture("virtiofs", "libvirt");
