using System.Collections.Concurrent;
using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Tests.Real;

/// <summary>The real chroot, with how long each command took inside it (update-initramfs is the slow one).</summary>
internal sealed class TimingChroot(IChroot inner) : IChroot
{
    public ConcurrentQueue<(string Command, TimeSpan Duration)> Timings { get; } = new();

    public async Task<CommandResult> RunAsync(string rootDirectory, CommandSpec command, CancellationToken cancellationToken)
    {
        var result = await inner.RunAsync(rootDirectory, command, cancellationToken).ConfigureAwait(false);
        Timings.Enqueue((command.ToString(), result.Duration));
        return result;
    }
}
