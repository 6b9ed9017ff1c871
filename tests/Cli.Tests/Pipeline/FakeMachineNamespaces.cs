using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// Machine namespaces that start no process: entering one runs the command as it is. Records every open and close
/// with the map it was opened with, into an event log shared with the test's other fakes when given one.
/// </summary>
internal sealed class FakeMachineNamespaces(List<string>? events = null) : IMachineNamespaces
{
    public List<string> Events { get; } = events ?? [];

    public List<PassThroughUserNamespace> Opened { get; } = [];

    public Task<MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken)
    {
        var opened = new PassThroughUserNamespace(map);
        Opened.Add(opened);
        Events.Add($"open {map.SubordinateUidStart}:{map.LoginUid}");
        return Task.FromResult(new MachineNamespace(new NamespacedHostServices(host, opened), new Closing(() => Events.Add("close"))));
    }

    /// <summary>The folders up asked to idmap, in order.</summary>
    public List<OwnerMappedFolder> Mapped { get; } = [];

    /// <summary>When set, every folder fails to map with this reason.</summary>
    public string? MapFailure { get; set; }

    public Task<IReadOnlyList<(OwnerMappedFolder Folder, string Reason)>> MapFolderOwnersAsync(
        MachineNamespace opened, IReadOnlyList<OwnerMappedFolder> folders, CancellationToken cancellationToken)
    {
        Mapped.AddRange(folders);
        return Task.FromResult<IReadOnlyList<(OwnerMappedFolder, string)>>(MapFailure is { } reason ? [.. folders.Select(f => (f, reason))] : []);
    }

    private sealed class Closing(Action onClose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            onClose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A namespace whose Enter changes nothing (the command runs as it is, for real), keeping the commands entered.</summary>
internal sealed class PassThroughUserNamespace(IdMap map) : IUserNamespace
{
    public IdMap Map { get; } = map;

    public List<CommandSpec> Entered { get; } = [];

    public CommandSpec Enter(CommandSpec inner)
    {
        Entered.Add(inner);
        return inner;
    }
}
