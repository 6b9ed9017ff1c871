using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>Runs commands through another runner and calls back as each one starts, to cancel mid-way.</summary>
internal sealed class InterceptingRunner(ICommandRunner inner, Action<CommandSpec> onStart) : ICommandRunner
{
    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        onStart(command);
        return inner.RunAsync(command, cancellationToken);
    }

    public async Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken)
    {
        var pid = await inner.StartDetachedAsync(command, logPath, cancellationToken);
        onStart(command);
        return pid;
    }
}
