namespace Diskless.Cli.Commands;

/// <summary><c>diskless up [machine] [--provision] [--fresh]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine named on the command line; null for all (or the only) machine.</param>
/// <param name="Provision">Run the provisioners even though the machine was provisioned before.</param>
/// <param name="Fresh">Make a new machine even where one of a project that moved away could be adopted.</param>
public sealed record UpRequest(Globals Globals, string? Machine, bool Provision, bool Fresh = false);

/// <summary><c>diskless adopt FROM [machine]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="From">The folder the project was in before it moved (or the project it was copied from).</param>
/// <param name="Machine">The machine; null for all.</param>
public sealed record AdoptRequest(Globals Globals, string From, string? Machine);

/// <summary><c>diskless halt [machine] [--force]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="Force">Power off at once instead of asking the guest to shut down.</param>
public sealed record HaltRequest(Globals Globals, string? Machine, bool Force);

/// <summary><c>diskless destroy [machine] [--force] [--orphan ID]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="Force">Do not ask for confirmation.</param>
/// <param name="Orphan">The id of a machine whose project folder is gone, to destroy instead of the project's (no Disklessfile is read).</param>
public sealed record DestroyRequest(Globals Globals, string? Machine, bool Force, string? Orphan = null);

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

/// <summary>What <c>diskless snapshot</c> was asked to do.</summary>
public enum SnapshotAction
{
    /// <summary><c>snapshot save NAME</c>.</summary>
    Save,

    /// <summary><c>snapshot list</c>.</summary>
    List,

    /// <summary><c>snapshot restore NAME</c>.</summary>
    Restore,

    /// <summary><c>snapshot delete NAME</c>.</summary>
    Delete,
}

/// <summary><c>diskless snapshot save|list|restore|delete [NAME] [machine]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Action">Which subcommand.</param>
/// <param name="Machine">The machine; null for the only one (list: for all).</param>
/// <param name="Name">The snapshot's name; null for list.</param>
/// <param name="Force">restore: halt the machine first if it runs.</param>
/// <param name="Json">list: print JSON for scripts.</param>
public sealed record SnapshotRequest(Globals Globals, SnapshotAction Action, string? Machine, string? Name, bool Force, bool Json);

/// <summary><c>diskless du [machine] [--json]</c>.</summary>
/// <param name="Globals">Global options.</param>
/// <param name="Machine">The machine; null for all.</param>
/// <param name="Json">Print JSON for scripts.</param>
public sealed record DuRequest(Globals Globals, string? Machine, bool Json);

/// <summary><c>diskless prune [--json]</c>.</summary>
/// <param name="Globals">Global options (no Disklessfile is needed).</param>
/// <param name="Json">Print JSON for scripts.</param>
public sealed record PruneRequest(Globals Globals, bool Json);

/// <summary><c>diskless global-status [--json] [--no-size]</c>.</summary>
/// <param name="Globals">Global options (no Disklessfile is needed).</param>
/// <param name="Json">Print JSON for scripts.</param>
/// <param name="NoSize">Do not measure the roots (a walk of every file of each): the fastest listing.</param>
public sealed record GlobalStatusRequest(Globals Globals, bool Json, bool NoSize = false);
