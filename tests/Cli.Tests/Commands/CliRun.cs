using Diskless.Cli.Commands;
using Diskless.Cli.Composition;
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
        var services = Services(output, error, workingDirectory) with { Handlers = handlers ?? LifecycleHandlers.Create() };
        if (isolation is not null)
        {
            services = services with { Isolation = isolation };
        }

        if (trust is not null)
        {
            services = services with { Trust = trust };
        }

        return await RunAsync(args, services, output, error, cancellationToken);
    }

    /// <summary>Runs <paramref name="args"/> against <paramref name="services"/>, whose output goes to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static async Task<CliRun> RunAsync(string[] args, DisklessServices services, StringWriter output, StringWriter error, CancellationToken cancellationToken = default)
    {
        var exitCode = await CliApp.RunAsync(args, services, cancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The program's services with the bundled and test plugins, and a trust store of the tests' own.</summary>
    public static DisklessServices Services(StringWriter output, StringWriter error, string? workingDirectory = null) =>
        new(output, error, workingDirectory ?? Path.GetTempPath())
        {
            Plugins = new PluginHost([BuildOutput.PluginsDirectory]),
            // Never the user's own consents: a test that trusts a file does it in a store of its own.
            Trust = new Diskless.Cli.Trust.TrustStore(Path.Combine(Path.GetTempPath(), "diskless-tests-no-trust-" + Environment.ProcessId)),
            // Never the user's own list of data dirs: a test that needs one gives its own.
            DataDirectories = null,
        };
}

/// <summary>A handler that keeps the request it was given.</summary>
internal sealed class RecordingHandler<TRequest> : ICommandHandler<TRequest>
{
    public TRequest? Request { get; private set; }

    public Task<int> RunAsync(TRequest request, DisklessServices services, CancellationToken cancellationToken)
    {
        Request = request;
        return Task.FromResult(0);
    }
}

/// <summary>A handler that runs a delegate.</summary>
internal sealed class DelegateHandler<TRequest>(Func<CancellationToken, Task<int>> run) : ICommandHandler<TRequest>
{
    public Task<int> RunAsync(TRequest request, DisklessServices services, CancellationToken cancellationToken) => run(cancellationToken);
}
