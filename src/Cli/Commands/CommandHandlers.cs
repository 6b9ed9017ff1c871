namespace Diskless.Cli.Commands;

/// <summary>
/// The actions behind the machine commands: the program installs the real ones (<see cref="LifecycleHandlers.Create"/>);
/// a test replaces one with <c>with</c> to see what the command line hands it.
/// </summary>
public sealed record CommandHandlers
{
    public required ICommandHandler<UpRequest> Up { get; init; }

    public required ICommandHandler<AdoptRequest> Adopt { get; init; }

    public required ICommandHandler<HaltRequest> Halt { get; init; }

    public required ICommandHandler<DestroyRequest> Destroy { get; init; }

    public required ICommandHandler<ReloadRequest> Reload { get; init; }

    public required ICommandHandler<ProvisionRequest> Provision { get; init; }

    public required ICommandHandler<SshRequest> Ssh { get; init; }

    public required ICommandHandler<SshConfigRequest> SshConfig { get; init; }

    public required ICommandHandler<StatusRequest> Status { get; init; }

    public required ICommandHandler<GlobalStatusRequest> GlobalStatus { get; init; }

    public required ICommandHandler<SnapshotRequest> Snapshot { get; init; }

    public required ICommandHandler<DuRequest> Du { get; init; }

    public required ICommandHandler<PruneRequest> Prune { get; init; }
}
