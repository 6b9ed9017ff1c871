using System.Globalization;
using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests;

/// <summary>Signalling a machine's processes, with real processes (sleep) and the real process table.</summary>
public sealed class ProcessControlTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _folder = new("diskless-process-control-");
    private readonly RealHost _host;
    private readonly List<int> _started = [];

    public ProcessControlTests() => _host = new RealHost(_folder.Combine("data"));

    public void Dispose()
    {
        foreach (var pid in _started.Where(_host.Processes.IsAlive))
        {
            _host.Commands.SignalAsync(pid, ProcessSignal.Kill, CancellationToken.None).GetAwaiter().GetResult();
        }

        _folder.Dispose();
    }

    [RequiresFact("sleep", Timeout = 30000)]
    public async Task The_machines_process_is_killed_and_waited_for()
    {
        var (pid, machine) = await StartAsync();
        var control = new ProcessControl(_host.Processes, Poll, KillTimeout, machine.Owner!.Value);

        Assert.True(await control.KillAsync(_host.Commands, pid, machine, CancellationToken.None));

        Assert.False(_host.Processes.IsAlive(pid));
    }

    [RequiresFact("sleep", Timeout = 30000)]
    public async Task A_process_that_is_not_the_machines_is_left_alone()
    {
        var (pid, owner) = await StartAsync();
        var other = owner with { Token = "not-this-one" };
        var control = new ProcessControl(_host.Processes, Poll, KillTimeout, owner.Owner!.Value);

        Assert.False(await control.SignalAsync(_host.Commands, pid, other, ProcessSignal.Kill, CancellationToken.None));
        Assert.True(await control.KillAsync(_host.Commands, pid, owner with { Owner = owner.Owner + 1 }, CancellationToken.None));

        Assert.True(_host.Processes.IsAlive(pid));
    }

    [RequiresFact("sh", "sleep", Timeout = 30000)]
    public async Task A_helper_that_ignores_sigterm_is_killed_after_its_grace()
    {
        var (pid, machine) = await StartAsync(ignoreTerm: true);
        var control = new ProcessControl(_host.Processes, Poll, KillTimeout, machine.Owner!.Value);

        await control.StopHelperAsync(_host.Commands, pid, machine, TimeSpan.FromMilliseconds(100), _host.Progress);

        Assert.False(_host.Processes.IsAlive(pid));
        Assert.DoesNotContain(_host.RecordedProgress.Lines, l => l.StartsWith("warn:", StringComparison.Ordinal));
    }

    [RequiresFact("sleep", Timeout = 30000)]
    public async Task A_helper_that_is_not_the_machines_is_not_stopped()
    {
        var (pid, machine) = await StartAsync();
        var control = new ProcessControl(_host.Processes, Poll, KillTimeout, machine.Owner!.Value);

        await control.StopHelperAsync(_host.Commands, pid, machine with { Token = "not-this-one" }, TimeSpan.FromMilliseconds(100), _host.Progress);

        Assert.True(_host.Processes.IsAlive(pid));
    }

    [RequiresFact("sleep", Root = true, Timeout = 30000)]
    public async Task A_machines_process_running_as_host_root_is_not_signalled_by_anyone_else_and_the_fix_is_named()
    {
        var (pid, machine) = await StartAsync();
        var control = new ProcessControl(_host.Processes, Poll, KillTimeout, invokerUid: 1000);

        var error = await Assert.ThrowsAsync<DisklessException>(() => control.SignalAsync(_host.Commands, pid, machine, ProcessSignal.Terminate, CancellationToken.None));

        Assert.Equal($"helper of this machine (pid {pid}) runs as host root, and Diskless never signals a process through sudo.", error.Message);
        Assert.Equal($"Stop it as root: sudo kill -TERM {pid}, or run this command as root.", error.Hint);
        Assert.True(_host.Processes.IsAlive(pid));
    }

    private async Task<(int Pid, Machine Machine)> StartAsync(bool ignoreTerm = false)
    {
        // A duration no other process on the host is sleeping: the argv only this machine's process holds.
        var token = string.Create(CultureInfo.InvariantCulture, $"3600.{Random.Shared.Next(100_000, 999_999)}");
        // An ignored signal stays ignored across exec: the sleep itself shrugs SIGTERM off.
        var command = ignoreTerm ? new CommandSpec("sh", "-c", $"trap '' TERM; exec sleep {token}") : new CommandSpec("sleep", token);
        var pid = await _host.Commands.StartDetachedAsync(command, _folder.Combine("sleep.log"), CancellationToken.None);
        _started.Add(pid);

        // The pid is the runner's child until it has exec'd sleep: only then is its argv the machine's.
        var machine = new Machine(_host.Processes.OwnerUid(pid), token);
        var deadline = DateTime.UtcNow + KillTimeout;
        while (_host.Processes.Argv(pid) is not { } argv || !machine.IsOwn(argv))
        {
            Assert.True(DateTime.UtcNow < deadline, $"sleep {token} (pid {pid}) did not start");
            await Task.Delay(Poll);
        }

        return (pid, machine);
    }

    private sealed record Machine(long? Owner, string Token) : IMachineProcesses
    {
        public bool IsOwn(IReadOnlyList<string> argv) => argv.Contains(Token);

        public string NameOf(IProcessTable table, int pid) => "helper";
    }
}
