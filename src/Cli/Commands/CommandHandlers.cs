namespace Diskless.Cli.Commands;

/// <summary>
/// The actions behind the machine commands. Each starts as "not available yet"; replace one with <c>with</c>-style
/// initialisation (<c>new CommandHandlers { Up = new UpHandler(...) }</c>) to make the command real.
/// </summary>
public sealed class CommandHandlers
{
    public ICommandHandler<UpRequest> Up { get; init; } = new NotAvailableHandler<UpRequest>("up");

    public ICommandHandler<HaltRequest> Halt { get; init; } = new NotAvailableHandler<HaltRequest>("halt");

    public ICommandHandler<DestroyRequest> Destroy { get; init; } = new NotAvailableHandler<DestroyRequest>("destroy");

    public ICommandHandler<ReloadRequest> Reload { get; init; } = new NotAvailableHandler<ReloadRequest>("reload");

    public ICommandHandler<ProvisionRequest> Provision { get; init; } = new NotAvailableHandler<ProvisionRequest>("provision");

    public ICommandHandler<SshRequest> Ssh { get; init; } = new NotAvailableHandler<SshRequest>("ssh");

    public ICommandHandler<SshConfigRequest> SshConfig { get; init; } = new NotAvailableHandler<SshConfigRequest>("ssh-config");

    public ICommandHandler<StatusRequest> Status { get; init; } = new NotAvailableHandler<StatusRequest>("status");
}
