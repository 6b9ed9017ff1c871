using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// virsh on one connection, through the host's command runner (no libvirt binding is on the package registry).
/// Failures people hit are turned into errors that name the cause and the fix (<see cref="VirshErrors"/>).
/// </summary>
internal sealed class Virsh(string program, string uri, ICommandRunner runner)
{
    /// <summary>The connection.</summary>
    public string Uri => uri;

    /// <summary>Runs <c>virsh -c URI ARGS</c>; throws a translated error when it fails.</summary>
    public async Task<string> RunAsync(string description, CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await TryRunAsync(description, cancellationToken, arguments).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw VirshErrors.Translate(Command(description, arguments), result, uri);
        }

        return result.StandardOutput;
    }

    /// <summary>Runs <c>virsh -c URI ARGS</c> and returns whatever it did; connection failures still throw (nothing can be decided without the daemon).</summary>
    public Task<CommandResult> TryRunAsync(string description, CancellationToken cancellationToken, params string[] arguments) =>
        TryRunAsync(Command(description, arguments), cancellationToken);

    /// <summary>As <see cref="TryRunAsync(string, CancellationToken, string[])"/>, with <paramref name="input"/> on virsh's stdin (read as /dev/stdin).</summary>
    public Task<CommandResult> TryRunWithInputAsync(string description, string input, CancellationToken cancellationToken, params string[] arguments) =>
        TryRunAsync(Command(description, arguments) with { StandardInput = input }, cancellationToken);

    private async Task<CommandResult> TryRunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 && VirshErrors.IsConnectionFailure(result.StandardOutput + result.StandardError))
        {
            throw VirshErrors.Translate(command, result, uri);
        }

        return result;
    }

    private CommandSpec Command(string description, string[] arguments) =>
        new(program, ["-c", uri, .. arguments]) { Description = description, SuccessExitCodes = [0, 1] };
}
