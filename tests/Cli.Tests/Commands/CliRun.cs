using Diskless.Cli.Commands;
using Diskless.Cli.Plugins;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Commands;

/// <summary>One in-process run of the diskless command line.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Err)
{
    /// <summary>
    /// Runs <paramref name="args"/> with the bundled and test plugins, in <paramref name="workingDirectory"/>, with the
    /// program's own handlers unless <paramref name="handlers"/> replaces them.
    /// </summary>
    public static async Task<CliRun> RunAsync(
        string[] args,
        string? workingDirectory = null,
        CommandHandlers? handlers = null,
        CancellationToken cancellationToken = default,
        Diskless.Cli.Isolation.MachineIsolation? isolation = null,
        Diskless.Cli.Trust.TrustStore? trust = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, workingDirectory ?? Path.GetTempPath(), () => new PluginHost([BuildOutput.PluginsDirectory]))
        {
            Handlers = handlers ?? LifecycleHandlers.Create(),
            Isolation = isolation is null ? Diskless.Cli.Isolation.MachineIsolation.ForThisHost : () => isolation,
            // Never the user's own consents: a test that trusts a file does it in a store of its own.
            Trust = () => trust ?? new Diskless.Cli.Trust.TrustStore(Path.Combine(Path.GetTempPath(), "diskless-tests-no-trust-" + Environment.ProcessId)),
        };
        var exitCode = await CliApp.RunAsync(args, context, cancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>A handler that keeps the request it was given.</summary>
internal sealed class RecordingHandler<TRequest> : ICommandHandler<TRequest>
{
    public TRequest? Request { get; private set; }

    public Task<int> RunAsync(TRequest request, CliContext context, CancellationToken cancellationToken)
    {
        Request = request;
        return Task.FromResult(0);
    }
}

/// <summary>A handler that runs a delegate.</summary>
internal sealed class DelegateHandler<TRequest>(Func<CancellationToken, Task<int>> run) : ICommandHandler<TRequest>
{
    public Task<int> RunAsync(TRequest request, CliContext context, CancellationToken cancellationToken) => run(cancellationToken);
}
