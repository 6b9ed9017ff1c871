using Diskless.Abstractions;
using Diskless.Cli.Processes;

namespace Diskless.Cli.Isolation;

/// <summary>
/// <see cref="IChroot"/> for a root owned by a machine's subordinate ids: the program runs in the machine's sandbox
/// (<see cref="SandboxCommand"/>, entered into <see cref="IUserNamespace"/>), where the root is "/" and nothing of the
/// host is in reach, so it may be a program of a root the guest has run. No /sys is given: it would describe the
/// host's hardware, and update-initramfs works without it with MODULES=most or list (docs/rootless-lab.md §4).
/// Nothing is mounted on the host, so unlike <see cref="Chroot"/> there is nothing to undo and no need to take turns.
/// </summary>
public sealed class SandboxChroot(IUserNamespace userNamespace, ICommandRunner runner) : IChroot
{
    /// <inheritdoc />
    public Task<CommandResult> RunAsync(string rootDirectory, CommandSpec command, CancellationToken cancellationToken) =>
        RunAsync(rootDirectory, command, [], cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> in the sandbox of <paramref name="rootDirectory"/> with <paramref name="readOnlyBinds"/>
    /// (host files or folders shown read-only, for input the program needs).
    /// </summary>
    public Task<CommandResult> RunAsync(string rootDirectory, CommandSpec command, IReadOnlyList<SandboxBind> readOnlyBinds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(readOnlyBinds);
        var root = ProgramRoot.Validate(rootDirectory, "run a sandbox on");
        var program = command with
        {
            // A chroot step asks for root because chroot(1) needs it; in the sandbox it runs as guest root anyway,
            // and host root (sudo) is exactly what the sandbox exists to avoid.
            RequiresRoot = false,
            Description = command.Description ?? $"{Path.GetFileName(command.FileName)} in the sandbox",
        };
        return runner.RunAsync(userNamespace.Enter(SandboxCommand.Build(root, program, readOnlyBinds)), cancellationToken);
    }
}
