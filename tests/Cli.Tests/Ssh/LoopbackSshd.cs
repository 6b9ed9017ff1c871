using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.Ssh;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

/// <summary>
/// A real sshd on 127.0.0.1 standing in for a guest: its host key is the "guest host key" MachineKeys generated, and
/// it authorizes the machine's client key. Stopped (and its files removed) in every path.
/// </summary>
public sealed class LoopbackSshd : IAsyncLifetime
{
    private static readonly ProcProcessTable Processes = new();

    private readonly string _dir = Directory.CreateTempSubdirectory("diskless-sshd-").FullName;
    private bool _createdPrivsepDir;
    private int? _pid;

    public ICommandRunner Runner { get; } = new CliWrapCommandRunner(new RecordingProgress());

    public MachineKeySet Keys { get; private set; } = null!;

    public SshEndpoint Endpoint { get; private set; } = null!;

    public string StateDir => Path.Combine(_dir, "machines", "loop");

    public string WorkDir => _dir;

    public string LogPath => Path.Combine(_dir, "sshd.log");

    public SshTarget Target => Keys.ToTarget(Endpoint, Environment.UserName);

    public async Task InitializeAsync()
    {
        if (Prerequisites.Missing(root: true, ["sshd", "ssh-keygen"]) is not null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Keys = await MachineKeys.EnsureAsync(StateDir, Runner, timeout.Token);
        var authorized = Path.Combine(_dir, "authorized_keys");
        await File.WriteAllTextAsync(authorized, Keys.ClientPublicKey + "\n", timeout.Token);
        Endpoint = new SshEndpoint("127.0.0.1", FreePort());
        var config = Path.Combine(_dir, "sshd_config");
        await File.WriteAllTextAsync(config, string.Join('\n',
            $"Port {Endpoint.Port.ToString(CultureInfo.InvariantCulture)}",
            "ListenAddress 127.0.0.1",
            $"HostKey {Keys.HostKeys[0].PrivateKeyPath}",
            $"AuthorizedKeysFile {authorized}",
            $"PidFile {Path.Combine(_dir, "sshd.pid")}",
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            $"AllowUsers {Environment.UserName}",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
            ""), timeout.Token);

        // sshd refuses to start without its privilege-separation folder, which only the openssh-server service creates.
        if (!Directory.Exists("/run/sshd"))
        {
            Directory.CreateDirectory("/run/sshd");
            _createdPrivsepDir = true;
        }

        var sshd = Prerequisites.FindProgram("sshd")!;
        _pid = await Runner.StartDetachedAsync(new CommandSpec(sshd, "-D", "-e", "-f", config), LogPath, timeout.Token);
        await WaitForListenerAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_pid is { } pid)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await Runner.SignalAsync(pid, ProcessSignal.Terminate, timeout.Token);
                if (!await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), timeout.Token))
                {
                    await Runner.SignalAsync(pid, ProcessSignal.Kill, timeout.Token);
                    await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), timeout.Token);
                }
            }
        }
        finally
        {
            if (_createdPrivsepDir)
            {
                Directory.Delete("/run/sshd");
            }

            Directory.Delete(_dir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls until sshd listens, it dies, or <paramref name="cancellationToken"/> (the set-up's minute) ends.</summary>
    private async Task WaitForListenerAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(Endpoint.Host, Endpoint.Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                if (_pid is { } pid && !Processes.IsAlive(pid))
                {
                    break;
                }

                await Task.Delay(50, cancellationToken);
            }
        }

        throw new InvalidOperationException("sshd did not start:\n" + await File.ReadAllTextAsync(LogPath, cancellationToken));
    }
}
