using Diskless.Abstractions;

namespace Diskless.Cli.Provisioning;

/// <summary>What a provisioning run did.</summary>
/// <param name="Ran">The provisioners that ran to success, in order.</param>
/// <param name="Duration">How long the run took.</param>
public sealed record ProvisionResult(IReadOnlyList<Provisioner> Ran, TimeSpan Duration);
