using Diskless.Abstractions;

namespace Diskless.Cli.Commands;

/// <summary>The action of a command that exists on the command line but is not built yet: it says so and fails.</summary>
/// <param name="commandName">The command's name, e.g. "up".</param>
public sealed class NotAvailableHandler<TRequest>(string commandName) : ICommandHandler<TRequest>
{
    public Task<int> RunAsync(TRequest request, CliContext context, CancellationToken cancellationToken)
    {
        context.Error.WriteLine($"diskless {commandName} is not available yet");
        return Task.FromResult(ExitCodes.NotAvailable);
    }
}
