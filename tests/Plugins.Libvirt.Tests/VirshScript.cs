using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.Libvirt.Tests;

/// <summary>A fake host where virsh answers from a script: the provider's commands end up in the runner's transcript.</summary>
internal sealed class VirshScript : IDisposable
{
    public const string NotFound = "error: failed to get domain 'diskless-dev-0b7e4c'\n";

    public const string ThrowawayName = "diskless-probe-passt-1";

    /// <summary>What libvirt 9.0.0 says to a passt backend.</summary>
    public const string PasstRejected = "error: Failed to define domain from /dev/stdin\nerror: XML error: Invalid value for attribute 'type' in element 'backend': 'passt'\n";

    public VirshScript()
    {
        StateDirectory = Directory.CreateTempSubdirectory("diskless-libvirt-test-").FullName;
        Host = new FakeHostServices(Path.Combine(StateDirectory, "data"));
        Host.Executables["virsh"] = "/usr/bin/virsh";
        Host.Executables["virtiofsd"] = "/usr/lib/qemu/virtiofsd";
        Host.Runner.Print("virsh", "Compiled against library: libvirt 9.0.0\n", "version");

        // Unless a test says otherwise: no domain of that name yet.
        Host.Runner.Fail("virsh", 1, NotFound, "domuuid");
        Host.Runner.Fail("virsh", 1, NotFound, "domstate");

        // Unless a test says otherwise: libvirt of this host's age, which lists no interface backends and refuses passt.
        Host.Runner.Fail("virsh", 1, PasstRejected, "define", "/dev/stdin");
        Host.Runner.Fail("virsh", 1, $"error: failed to get domain '{ThrowawayName}'\n", "undefine", ThrowawayName);
    }

    /// <summary>The host, its data dir inside <see cref="StateDirectory"/> so that nothing outlives the test.</summary>
    public FakeHostServices Host { get; }

    public FakeClock Clock { get; } = new();

    public string StateDirectory { get; }

    public string Uuid => DomainIdentity.For("dev", "0b7e4c").UuidText;

    /// <summary>The transcript with the temp state folder replaced by a fixed one, for golden files.</summary>
    public string Transcript => Host.Runner.Transcript.Replace(StateDirectory, "/project/.diskless/machines/dev", StringComparison.Ordinal);

    public LibvirtProvider Provider(bool kvm = false) =>
        new(new LibvirtHostProbe(() => KvmDevice.Opens, () => kvm ? "flags : fpu vmx\n" : "flags : fpu\n", new PasstProbe(() => ThrowawayName)), Timings, Clock, isRoot: true);

    public static readonly LibvirtTimings Timings = new(LeaseTimeout: TimeSpan.FromMinutes(5), DestroyTimeout: TimeSpan.FromSeconds(30), PollInterval: TimeSpan.FromSeconds(1));

    /// <summary>
    /// The SSH port of <see cref="Plan"/>: free on this host when the script was made, since a start checks that its
    /// ports are free (a fixed one fails whenever anything else holds it).
    /// </summary>
    public int SshPort { get; } = FreeLoopbackPort();

    public BootPlan Plan(ProviderSpec? provider = null, IReadOnlyList<PortForward>? ports = null, IReadOnlyList<Share>? extraShares = null) =>
        LibvirtPlans.Plan(ShareTransport.VirtioFs, provider: provider, ports: ports, stateDirectory: StateDirectory, extraShares: extraShares, sshPort: SshPort);

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public MachineHandle Handle(string uri = LibvirtSettings.SystemUri, string? gracefulSeconds = null)
    {
        var data = new Dictionary<string, string> { ["domain"] = "diskless-dev-0b7e4c", ["uuid"] = Uuid, ["uri"] = uri };
        if (gracefulSeconds is not null)
        {
            data["graceful_timeout_seconds"] = gracefulSeconds;
        }

        return new MachineHandle("dev", "0b7e4c", StateDirectory, "/run/diskless/0b7e4c", Path.Combine(StateDirectory, "console.log"), data);
    }

    /// <summary>The domain exists and is ours.</summary>
    public void DomainIsOurs() => Host.Runner.Print("virsh", Uuid + "\n", "domuuid");

    /// <summary>domstate answers each of <paramref name="states"/> in turn, then the last one for ever.</summary>
    public void DomainStates(params string[] states)
    {
        var next = 0;
        Host.Runner.On("virsh", _ => new CommandResult(0, states[Math.Min(next++, states.Length - 1)] + "\n", "", TimeSpan.Zero), "domstate");
    }

    /// <summary>Runs <paramref name="work"/> with the fake clock jumping to each timer it waits on.</summary>
    public Task RunAsync(Func<Task> work) => Clock.FastForwardAsync(Wrap(work));

    public Task<T> RunAsync<T>(Func<Task<T>> work) => Clock.FastForwardAsync(work());

    public void Dispose() => Directory.Delete(StateDirectory, recursive: true);

    private static async Task<bool> Wrap(Func<Task> work)
    {
        await work();
        return true;
    }
}
