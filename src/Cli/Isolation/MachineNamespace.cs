using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>An open machine namespace: the host services whose every root operation goes through it, and its holder.</summary>
internal sealed class MachineNamespace(IHostServices host, IAsyncDisposable holder) : IAsyncDisposable
{
    /// <summary>Host services with <see cref="IHostServices.Namespace"/> set: the chroot is the sandbox, root files are reached in it.</summary>
    public IHostServices Host { get; } = host;

    /// <summary>The host pid of the process that holds the namespaces open; null for one that starts no process (tests).</summary>
    public int? HolderPid { get; init; }

    /// <summary>The namespace's id map; null when not given.</summary>
    public IdMap? Map { get; init; }

    public ValueTask DisposeAsync() => holder.DisposeAsync();
}
