using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary>What a command does once its command line is parsed into <typeparamref name="TRequest"/>.</summary>
/// <typeparam name="TRequest">The command's parsed arguments and options.</typeparam>
public interface ICommandHandler<in TRequest>
{
    /// <summary>Runs the command; returns its exit code. Errors for people are thrown as DisklessException.</summary>
    Task<int> RunAsync(TRequest request, DisklessServices context, CancellationToken cancellationToken);
}
