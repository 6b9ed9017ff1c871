namespace Diskless.Cli.Commands;

/// <summary><c>diskless up [machine] [--provision]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine named on the command line; null for all (or the only) machine.</param>
/// <param name="Provision">Run the provisioners even though the machine was provisioned before.</param>
public sealed record UpRequest(Globals Globals, string? Machine, bool Provision);

/// <summary><c>diskless halt [machine] [--force]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="Force">Power off at once instead of asking the guest to shut down.</param>
public sealed record HaltRequest(Globals Globals, string? Machine, bool Force);

/// <summary><c>diskless destroy [machine] [--force]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="Force">Do not ask for confirmation.</param>
public sealed record DestroyRequest(Globals Globals, string? Machine, bool Force);

/// <summary><c>diskless reload [machine] [--provision]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="Provision">Run the provisioners after the restart.</param>
public sealed record ReloadRequest(Globals Globals, string? Machine, bool Provision);

/// <summary><c>diskless provision [machine]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
public sealed record ProvisionRequest(Globals Globals, string? Machine);

/// <summary><c>diskless ssh [machine] [-c CMD] [-- ARGS...]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for the only one.</param>
/// <param name="Command">A command to run instead of an interactive shell.</param>
/// <param name="ExtraArguments">Arguments after <c>--</c>, passed to ssh as they are.</param>
public sealed record SshRequest(Globals Globals, string? Machine, string? Command, IReadOnlyList<string> ExtraArguments);

/// <summary><c>diskless ssh-config [machine] [--host NAME]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="HostAlias">The <c>Host</c> name to write; the machine name when null.</param>
public sealed record SshConfigRequest(Globals Globals, string? Machine, string? HostAlias);

/// <summary><c>diskless status [machine] [--json]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="Json">Print JSON for scripts instead of a table.</param>
public sealed record StatusRequest(Globals Globals, string? Machine, bool Json);
