using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>What every lifecycle command works with: the host services, the plugins, the project and its output.</summary>
internal sealed record LifecycleServices(IHostServices Host, IPluginCatalog Plugins, ProjectSpec Project, TextWriter Out)
{
    /// <summary>The project's state folders; tests give one whose runtime folders are in their sandbox.</summary>
    public ProjectState State { get; init; } = new(Project.ProjectDirectory);

    /// <summary>The clock that commands wait on (for a guest's SSH); tests give a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Who runs Diskless and what the host allows: decides a new machine's id map.</summary>
    public MachineIsolation Isolation { get; init; } = MachineIsolation.ForThisHost();

    /// <summary>Opens machine namespaces; tests give a fake that starts no process.</summary>
    public IMachineNamespaces Namespaces
    {
        get => _namespaces ??= new HolderNamespaces(Isolation.Identity, State.RuntimeBaseDirectory);
        init => _namespaces = value;
    }

    private IMachineNamespaces? _namespaces;

    /// <summary>
    /// The host services for a machine with <paramref name="record"/>: through its namespace when it has an id map
    /// (dispose the result when done), the host's own otherwise.
    /// </summary>
    public async Task<MachineNamespace?> OpenNamespaceAsync(MachineRecord record, CancellationToken cancellationToken) =>
        record.IdMap is { } map ? await Namespaces.OpenAsync(Host, map, cancellationToken).ConfigureAwait(false) : null;

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

    /// <summary>
    /// The machine's record, or null when it is not created. A record copied from another project is refused here,
    /// before any command hands it to a provider or removes a folder it names.
    /// </summary>
    public async Task<MachineRecord?> LoadRecordAsync(MachineSpec machine, CancellationToken cancellationToken)
    {
        var own = StateDirectory(machine);
        var record = await MachineRecordStore.LoadAsync(own, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            CopiedProjectGuard.RequireOwn(record, own);
        }

        return record;
    }

    /// <summary>The record of a machine that must exist (ssh, provision), or a clear error saying how to create it.</summary>
    public async Task<MachineRecord> RequireRecordAsync(MachineSpec machine, CancellationToken cancellationToken) =>
        await LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false) is { SetupComplete: true } record
            ? record
            : throw new DisklessException($"Machine '{machine.Name}' is not created.", "diskless up", ExitCodes.WrongMachineState);

    public Task<MachineLock> LockAsync(MachineSpec machine, string command, CancellationToken cancellationToken) =>
        MachineLock.AcquireAsync(State.EnsureMachineStateDirectory(machine.Name), command, cancellationToken);
}
