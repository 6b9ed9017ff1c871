namespace Diskless.Abstractions;

/// <summary>How to stop a machine.</summary>
/// <param name="Force">Skip the polite power-off and stop at once.</param>
/// <param name="GracefulTimeout">How long to wait for the guest to power off before forcing.</param>
public sealed record StopOptions(bool Force, TimeSpan GracefulTimeout);
