using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// A pretend host for lifecycle tests: commands go to a <see cref="RecordingCommandRunner"/> (transcript, scripted
/// failures) and, when they succeed, have the effects the real programs would have — virtiofsd binds its socket,
/// qemu -daemonize writes its pid file, kill ends a process — in a process table the provider reads.
/// </summary>
internal sealed class SimulatedHost : IHostServices, ICommandRunner, IProcessTable
{
    private readonly FakeHostServices _fake;
    private readonly Dictionary<int, IReadOnlyList<string>> _running = [];
    private readonly Dictionary<int, int> _owners = [];
    private readonly Dictionary<int, int> _exiting = [];
    private readonly List<string> _events = [];
    private int _nextQemuPid = 7000;

    /// <summary>A host whose data dir is <paramref name="dataDirectory"/> (a fresh temp path by default).</summary>
    public SimulatedHost(string? dataDirectory = null)
    {
        _fake = new FakeHostServices(dataDirectory);
    }

    public RecordingCommandRunner Runner => _fake.Runner;

    public RecordingProgress RecordedProgress => _fake.RecordedProgress;

    /// <summary>When false, a started virtiofsd never creates its socket.</summary>
    public bool VirtiofsdBindsSocket { get; set; } = true;

    /// <summary>When false, virtiofsd keeps running after QEMU is gone (the C one waits if QEMU never connected).</summary>
    public bool VirtiofsdExitsWithQemu { get; set; } = true;

    /// <summary>When false, the host has no unshare (util-linux), which a read-only virtiofs share needs.</summary>
    public bool UnshareInstalled { get; set; } = true;

    /// <summary>When false, the guest ignores the ACPI power button.</summary>
    public bool GuestPowersOff { get; set; } = true;

    /// <summary>Called as the process start of the given program completes (e.g. to cancel a token).</summary>
    public Action<CommandSpec>? AfterCommand { get; set; }

    /// <summary>
    /// What happened to processes, in order: "signal KILL 4001" for every kill sent, "gone 4001" as a process stops
    /// existing (killed, QEMU's own exit, or an exiting one past its last look), and the test's own <see cref="Mark"/>s.
    /// Lets a test tell waiting from killing, and order events without a wall clock.
    /// </summary>
    public IReadOnlyList<string> Events { get { lock (_running) { return _events.ToList(); } } }

    /// <summary>The signals sent with kill, in order.</summary>
    public IReadOnlyList<(string Signal, int Pid)> Signals =>
        Events.Where(e => e.StartsWith("signal ", StringComparison.Ordinal))
            .Select(e => e.Split(' '))
            .Select(w => (w[1], int.Parse(w[2], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Adds the test's own entry to <see cref="Events"/> (e.g. "stop returned").</summary>
    public void Mark(string text)
    {
        lock (_running)
        {
            _events.Add(text);
        }
    }

    public IReadOnlyCollection<int> RunningPids { get { lock (_running) { return _running.Keys.Concat(_exiting.Keys).ToList(); } } }

    public ICommandRunner Commands => this;

    public IProcessTable Processes => this;

    public IChroot Chroot => _fake.Chroot;

    /// <summary>The machine's user namespace; null (the default) for host-owned roots. A later command's host may drop it.</summary>
    public IUserNamespace? Namespace { get; set; }

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates => _fake.Templates;

    public IProgressReporter Progress => _fake.Progress;

    public HostPaths Paths => _fake.Paths;

    public string? FindExecutable(string name, params string[] extraDirectories) => name switch
    {
        "qemu-system-x86_64" => "/usr/bin/qemu-system-x86_64",
        "virtiofsd" => "/usr/lib/qemu/virtiofsd",
        "unshare" when UnshareInstalled => "/usr/bin/unshare",
        "mount" => "/usr/bin/mount",
        "setpriv" => "/usr/bin/setpriv",
        _ => null,
    };

    public async Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        var program = Program(command);
        if (program == "qemu-system-x86_64" && command.Arguments.Contains("--version"))
        {
            return new CommandResult(0, "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n", "", TimeSpan.Zero);
        }

        if (program == "qemu-system-x86_64" && command.Arguments.Contains("q35,help"))
        {
            return new CommandResult(0, "pc-q35-7.2-machine options:\n  i8042=<bool>\n  sata=<bool>           - Enable/disable Serial ATA bus\n  smbus=<bool>          - Enable/disable system management bus\n  vmport=<OnOffAuto>    - Enable vmport (pc & q35)\n", "", TimeSpan.Zero);
        }

        if (program == "qemu-system-x86_64" && command.Arguments.Contains("help"))
        {
            return new CommandResult(1, "", "qemu-system-x86_64: -sandbox help: Parameter 'enable' expects 'on' or 'off'\n", TimeSpan.Zero);
        }

        if (program == "virtiofsd" && command.Arguments.Contains("--help"))
        {
            return new CommandResult(0, "usage: virtiofsd [options]\n    -o source=PATH             shared directory tree\n", "", TimeSpan.Zero);
        }

        var result = await Runner.RunAsync(command, cancellationToken);
        if (program == "qemu-system-x86_64")
        {
            var pidFile = After(command, "-pidfile");
            var pid = _nextQemuPid++;
            Add(pid, command);
            await File.WriteAllTextAsync(pidFile, pid + "\n", CancellationToken.None);
        }
        else if (program == "kill")
        {
            var pid = int.Parse(command.Arguments[^1], System.Globalization.CultureInfo.InvariantCulture);
            Mark($"signal {command.Arguments[0].TrimStart('-')} {pid}");

            // A process already exiting goes when it goes (after its remaining looks), signal or not.
            Exit(pid);
        }

        AfterCommand?.Invoke(command);
        return result;
    }

    public async Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken)
    {
        var pid = await Runner.StartDetachedAsync(command, logPath, cancellationToken);
        Add(pid, command);
        await File.WriteAllTextAsync(logPath, "virtio_session_mount: Waiting for vhost-user socket connection...\n", CancellationToken.None);
        if (VirtiofsdBindsSocket)
        {
            var socket = command.Arguments.Single(a => a.StartsWith("--socket-path=", StringComparison.Ordinal))["--socket-path=".Length..];
            await File.WriteAllTextAsync(socket, "", CancellationToken.None);
        }

        AfterCommand?.Invoke(command);
        return pid;
    }

    /// <summary>What a guest power-off does: QEMU exits and removes its pid file.</summary>
    public void QemuExitsCleanly(int pid, string pidFile)
    {
        Exit(pid);
        File.Delete(pidFile);
    }

    /// <summary>QEMU dies (SIGKILL from someone else, a crash): its pid file stays.</summary>
    public void Exit(int pid)
    {
        lock (_running)
        {
            var wasQemu = _running.TryGetValue(pid, out var argv) && Joined(argv).Contains("qemu-system", StringComparison.Ordinal);
            if (_running.Remove(pid))
            {
                _events.Add($"gone {pid}");
            }

            if (wasQemu && VirtiofsdExitsWithQemu)
            {
                foreach (var helper in _running.Where(p => Joined(p.Value).Contains("virtiofsd", StringComparison.Ordinal)).Select(p => p.Key).ToList())
                {
                    _running.Remove(helper);
                    _events.Add($"gone {helper}");
                }
            }
        }
    }

    /// <summary>A process on its way out: alive for <paramref name="lookups"/> more looks, with no command line left.</summary>
    public void BeginExit(int pid, int lookups)
    {
        lock (_running)
        {
            _running.Remove(pid);
            _exiting[pid] = lookups;
        }
    }

    /// <summary>A process of someone else's (or a left-over) with a command line of space-free words, run as <paramref name="owner"/>.</summary>
    public void Add(int pid, string commandLine, int owner = 0) => Add(pid, commandLine.Split(' '), owner);

    /// <summary>A process with exactly <paramref name="argv"/>, run as <paramref name="owner"/>.</summary>
    public void Add(int pid, IReadOnlyList<string> argv, int owner)
    {
        lock (_running)
        {
            _running[pid] = argv;
            _owners[pid] = owner;
        }
    }

    /// <summary>
    /// The host uid guest root has in <see cref="Namespace"/>: what a process entered with nsenter runs as (its
    /// command line starts with nsenter, or with the console wrapper that execs it).
    /// </summary>
    public const int GuestRootUid = 100000;

    private void Add(int pid, CommandSpec command) => Add(pid, [command.FileName, .. command.Arguments], Entered(command) ? GuestRootUid : 0);

    private static string Joined(IReadOnlyList<string> argv) => string.Join(' ', argv);

    private static bool Entered(CommandSpec command) =>
        Path.GetFileName(command.FileName) == "nsenter" || command.Arguments.Contains("nsenter");

    // The program a command finally runs: wrappers (nsenter, unshare, sh, setpriv) exec it in place.
    private static string Program(CommandSpec command)
    {
        var own = Path.GetFileName(command.FileName);
        if (own is not ("nsenter" or "sh" or "unshare" or "setpriv"))
        {
            return own;
        }

        return command.Arguments.Select(Path.GetFileName).FirstOrDefault(a => a is "qemu-system-x86_64" or "virtiofsd") ?? own;
    }

    public bool IsAlive(int pid)
    {
        lock (_running)
        {
            if (_exiting.TryGetValue(pid, out var lookups))
            {
                if (lookups <= 1)
                {
                    // Alive for this last look; gone from the next one on.
                    _exiting.Remove(pid);
                    _events.Add($"gone {pid}");
                }
                else
                {
                    _exiting[pid] = lookups - 1;
                }

                return true;
            }

            return _running.ContainsKey(pid);
        }
    }

    public bool IsExiting(int pid)
    {
        lock (_running)
        {
            return _exiting.ContainsKey(pid);
        }
    }

    public string? CommandLine(int pid)
    {
        lock (_running)
        {
            return _running.TryGetValue(pid, out var argv) ? Joined(argv) : null;
        }
    }

    public IReadOnlyList<string>? Argv(int pid)
    {
        lock (_running)
        {
            return _running.GetValueOrDefault(pid);
        }
    }

    public IReadOnlyList<int> FindByCommandLine(params string[] fragments)
    {
        lock (_running)
        {
            return _running.Where(p => fragments.All(f => Joined(p.Value).Contains(f, StringComparison.Ordinal))).Select(p => p.Key).ToList();
        }
    }

    public IReadOnlyList<int> FindOwned(long ownerUid, Func<IReadOnlyList<string>, bool> argvMatches)
    {
        lock (_running)
        {
            return _running.Where(p => _owners.GetValueOrDefault(p.Key) == ownerUid && argvMatches(p.Value)).Select(p => p.Key).ToList();
        }
    }

    public int? OwnerUid(int pid)
    {
        lock (_running)
        {
            // Started as root, as QEMU and virtiofsd are, unless entered into the namespace.
            return _running.ContainsKey(pid) || _exiting.ContainsKey(pid) ? _owners.GetValueOrDefault(pid) : null;
        }
    }

    private static string After(CommandSpec command, string option) => command.Arguments[command.Arguments.ToList().IndexOf(option) + 1];
}
