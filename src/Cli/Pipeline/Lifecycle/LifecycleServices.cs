using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// What every lifecycle command works with: the host services, the plugins, the project and its output, and the
/// services of <see cref="Composition.DisklessServices"/>, which builds this (<see cref="Composition.DisklessServices.Lifecycle"/>).
/// </summary>
/// <param name="Host">The host's services for this command.</param>
/// <param name="Plugins">The distros and providers.</param>
/// <param name="Project">The Disklessfile's machines.</param>
/// <param name="Out">Standard output.</param>
/// <param name="State">The project's state folders; tests give one whose runtime folders are in their sandbox.</param>
/// <param name="Time">The clock that commands wait on (for a guest's SSH); tests give a fake one.</param>
/// <param name="Isolation">Who runs Diskless and what the host allows: decides a new machine's id map.</param>
/// <param name="Namespaces">Opens machine namespaces; tests give a fake that starts no process.</param>
internal sealed record LifecycleServices(
    IHostServices Host,
    IPluginCatalog Plugins,
    ProjectSpec Project,
    TextWriter Out,
    ProjectState State,
    TimeProvider Time,
    MachineIsolation Isolation,
    IMachineNamespaces Namespaces)
{
    /// <summary>Starts and stops the machines' host agents (<see cref="Agent.MachineAgents"/>).</summary>
    public Agent.MachineAgents Agents { get; init; } = Agent.MachineAgents.ForThisProgram();

    /// <summary>
    /// The host services for a machine with <paramref name="record"/>: through its namespace when it has an id map
    /// (dispose the result when done), the host's own otherwise.
    /// </summary>
    public async Task<MachineNamespace?> OpenNamespaceAsync(MachineRecord record, CancellationToken cancellationToken) =>
        record.IdMap is { } map ? await Namespaces.OpenAsync(Host, map, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>
    /// Where provisioning uploads must come from: the project's real folder, unless the Disklessfile reaches past it
    /// and the user trusted that (the commands that provision pass <c>TrustGate</c> first).
    /// </summary>
    public string? UploadsConfinedTo => Project.Requests.Count > 0 ? null : Processes.RealPath.Resolve(Project.ProjectDirectory);

    /// <summary>The machines a command acts on: the one named, or all of them.</summary>
    public IReadOnlyList<MachineSpec> Select(string? machineName)
    {
        if (machineName is null)
        {
            return Project.Machines;
        }

        return Project.Machines.Where(m => m.Name == machineName).ToList() is { Count: > 0 } found
            ? found
            : throw new DisklessException(
                $"This project has no machine named '{machineName}'.",
                $"machines in {Project.DisklessfilePath}: {string.Join(", ", Project.Machines.Select(m => m.Name))}",
                ExitCodes.Usage);
    }

    /// <summary>The one machine a command that needs exactly one acts on (ssh): the one named, or the only one.</summary>
    public MachineSpec SelectOne(string? machineName, string command)
    {
        var machines = Select(machineName);
        return machines.Count == 1
            ? machines[0]
            : throw new DisklessException(
                $"This project has {machines.Count} machines: {string.Join(", ", machines.Select(m => m.Name))}.",
                $"say which one: diskless {command} {machines[0].Name}",
                ExitCodes.Usage);
    }

    public string StateDirectory(MachineSpec machine) => State.MachineStateDirectory(machine.Name);

    // The machines whose old state (in the project, from an earlier version) this command has already moved or tried to.
    private readonly HashSet<string> _legacyTried = [];

    /// <summary>
    /// The machine's record, checked (<see cref="RecordCheck"/>), or null when it is not created. A machine an earlier
    /// version kept in the project is moved into the data dir first, once, under its lock.
    /// </summary>
    public Task<MachineRecord?> LoadRecordAsync(MachineSpec machine, CancellationToken cancellationToken) =>
        // A machine never created has neither a record nor an earlier version's state: answered without an async state
        // machine, whose start the runtime compiles (status of such a machine is what bench/startup.sh measures).
        File.Exists(MachineRecordStore.PathIn(StateDirectory(machine))) || MayHaveLegacyState(machine)
            ? LoadExistingRecordAsync(machine, cancellationToken)
            : Task.FromResult<MachineRecord?>(null);

    private bool MayHaveLegacyState(MachineSpec machine) =>
        !_legacyTried.Contains(machine.Name) && Directory.Exists(State.LegacyMachineStateDirectory(machine.Name));

    private async Task<MachineRecord?> LoadExistingRecordAsync(MachineSpec machine, CancellationToken cancellationToken)
    {
        var record = await MachineRecordStore.LoadAsync(StateDirectory(machine), cancellationToken).ConfigureAwait(false);
        if (record is null && MayHaveLegacyState(machine))
        {
            // Commands that take no lock (status, ssh) take it for the move; those that do moved it in LockAsync.
            await using var moving = await MachineLock.AcquireAsync(State.EnsureMachineStateDirectory(machine.Name), "diskless (moving the machine's state)", cancellationToken).ConfigureAwait(false);
            record = await MoveLegacyAsync(machine, cancellationToken).ConfigureAwait(false);
        }

        return record is null ? null : RecordCheck.Normalize(record, machine.Name, State, () => Isolation.CurrentMap(Project.ProjectDirectory));
    }

    /// <summary>The record of a machine that must exist (ssh, provision), or a clear error saying how to create it.</summary>
    public async Task<MachineRecord> RequireRecordAsync(MachineSpec machine, CancellationToken cancellationToken) =>
        await LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false) is { SetupComplete: true } record
            ? record
            : throw new DisklessException($"Machine '{machine.Name}' is not created.", "diskless up", ExitCodes.WrongMachineState);

    /// <summary>Takes the machine's lock; a machine an earlier version kept in the project is moved into the data dir under it.</summary>
    public async Task<MachineLock> LockAsync(MachineSpec machine, string command, CancellationToken cancellationToken)
    {
        var machineLock = await MachineLock.AcquireAsync(State.EnsureMachineStateDirectory(machine.Name), command, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(MachineRecordStore.PathIn(StateDirectory(machine))) && Directory.Exists(State.LegacyMachineStateDirectory(machine.Name)))
            {
                await MoveLegacyAsync(machine, cancellationToken).ConfigureAwait(false);
            }

            return machineLock;
        }
        catch
        {
            await machineLock.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<MachineRecord?> MoveLegacyAsync(MachineSpec machine, CancellationToken cancellationToken)
    {
        _legacyTried.Add(machine.Name);
        return await LegacyMachineState.MoveAsync(State, machine.Name, () => Isolation.CurrentMap(Project.ProjectDirectory), Host.Progress, cancellationToken).ConfigureAwait(false);
    }
}
