namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// The JSON shape of <c>diskless global-status --json</c>: what scripts read, so it changes only on purpose (the README
/// documents it). Paths are absolute, sizes in bytes; a value that is not known is null, never left out.
/// </summary>
/// <param name="Machines">Every machine of every data dir listed, by data dir, project folder and name.</param>
/// <param name="DataDirectories">The data dirs that were searched, in order.</param>
internal sealed record GlobalStatusReport(IReadOnlyList<GlobalMachineRow> Machines, IReadOnlyList<string> DataDirectories);

/// <summary>One machine of <c>global-status</c>.</summary>
/// <param name="Name">Its name in its Disklessfile.</param>
/// <param name="Id">Its id (12 hex digits); null when its record cannot be read.</param>
/// <param name="State">"running", "stopped", "crashed" (its record says it runs, its provider finds it gone), "not created" (a first up that never finished) or "unknown" (see <paramref name="Detail"/>).</param>
/// <param name="Detail">What the provider said (pid, accelerator, why it crashed), or why the state is unknown.</param>
/// <param name="Provider">Its provider plugin; null when its record cannot be read.</param>
/// <param name="Distro">Its distro plugin; null when its record cannot be read.</param>
/// <param name="Project">The project folder it belongs to.</param>
/// <param name="Orphan">True when that folder is gone: no command run in a project reaches the machine.</param>
/// <param name="Remove">For an orphan, the command that removes it; null otherwise.</param>
/// <param name="DataDirectory">The data dir its state and root are in.</param>
/// <param name="Ssh">Where its sshd answers, while it runs; null otherwise.</param>
/// <param name="Ports">
/// While it runs, what it forwards now, as <c>status</c> shows it (its [[ports]], those <c>port add</c> made, those the
/// agent made for the guest's listeners; each with its origin, and why its host port differs when it does); while it is
/// stopped, what its Disklessfile's [[ports]] would forward; otherwise none.
/// </param>
/// <param name="RootPath">Its root folder; null when its record cannot be read.</param>
/// <param name="RootBytes">What its root holds on the host disk, in bytes; null when not measured.</param>
/// <param name="RootSizeMethod">How <paramref name="RootBytes"/> was measured: "du" or "btrfs filesystem du".</param>
internal sealed record GlobalMachineRow(
    string Name,
    string? Id,
    string State,
    string? Detail,
    string? Provider,
    string? Distro,
    string Project,
    bool Orphan,
    string? Remove,
    string DataDirectory,
    GlobalSshView? Ssh,
    IReadOnlyList<PortReport> Ports,
    string? RootPath,
    long? RootBytes,
    string? RootSizeMethod);

/// <summary>An SSH endpoint of <c>global-status</c>; <paramref name="User"/> is null when the Disklessfile cannot be read.</summary>
internal sealed record GlobalSshView(string Host, int Port, string? User);
