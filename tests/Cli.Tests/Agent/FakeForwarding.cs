using Diskless.Abstractions;

namespace Diskless.Cli.Tests.Agent;

/// <summary>A provider that can change forwards: records each change; host ports in <see cref="Taken"/> cannot be bound.</summary>
internal sealed class FakeForwarding : IProvider, IRuntimePortForwarding
{
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public HashSet<(string Protocol, int Host)> Taken { get; } = [];

    public List<string> Calls { get; } = [];

    public string Name => "fakevm";

    public string Description => "fake";

    public IReadOnlyList<string> MissingCapabilities => [];

    public ProviderCapabilities Capabilities { get; } = new([ShareTransport.NineP], UdpPorts: true);

    /// <summary>Completes once <paramref name="count"/> calls were made.</summary>
    public Task WhenCallsAsync(int count)
    {
        lock (_gate)
        {
            if (Calls.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public Task<bool> AddForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken)
    {
        var free = !Taken.Contains((port.Protocol, port.Host));
        Record($"add {port.HostAddress}:{port.Host} -> {port.Guest}/{port.Protocol}{(free ? "" : " (taken)")}");
        return Task.FromResult(free);
    }

    public Task<bool> RemoveForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken)
    {
        Record($"remove {port.HostAddress}:{port.Host}/{port.Protocol}");
        return Task.FromResult(true);
    }

    private void Record(string call)
    {
        lock (_gate)
        {
            Calls.Add(call);
            foreach (var waiter in _waiters.Where(w => Calls.Count >= w.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();
}
