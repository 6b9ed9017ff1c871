using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>What <c>global-status</c> works with; the program builds it from <see cref="Composition.DisklessServices"/>, tests from fakes.</summary>
/// <param name="DataDirectories">The data dirs to search, in order (<see cref="GlobalStatusHandler.DataDirectoriesToSearch"/>).</param>
/// <param name="CurrentDataDirectory">The data dir of this command: an orphan's removal command names another with DISKLESS_HOME.</param>
/// <param name="Owner">The uid every state file must belong to: whoever runs diskless.</param>
/// <param name="HostFor">The host services of a data dir.</param>
/// <param name="Plugins">The providers; one is loaded only when a machine of it is found.</param>
/// <param name="Isolation">Derives the id map each record must carry.</param>
/// <param name="NamespacesFor">Opens the namespace in which a root of subordinate ids is measured.</param>
/// <param name="ReadProject">Reads a project's Disklessfile (for its ports and login user); null when it cannot be read.</param>
/// <param name="Progress">Where warnings go (standard error).</param>
/// <param name="Out">Standard output.</param>
/// <param name="MeasureSize">Whether to measure each root on disk.</param>
internal sealed record GlobalStatusServices(
    IReadOnlyList<string> DataDirectories,
    string CurrentDataDirectory,
    long Owner,
    Func<HostPaths, IHostServices> HostFor,
    IPluginCatalog Plugins,
    MachineIsolation Isolation,
    Func<ProjectState, IMachineNamespaces> NamespacesFor,
    Func<string, CancellationToken, Task<ProjectSpec?>> ReadProject,
    IProgressReporter Progress,
    TextWriter Out,
    bool MeasureSize = true);

/// <summary>
/// <c>diskless global-status</c>: every machine of every data dir this user has used, each asked of its provider now
/// (nothing is cached: a QEMU that died shows "crashed" at once). It reads the state files alone: no Disklessfile is
/// needed, no distro plugin is loaded, and a provider plugin only when a machine of it exists. A machine whose project
/// folder is gone is an orphan, shown with the command that removes it (<c>destroy --orphan</c>).
/// </summary>
internal static class GlobalStatusHandler
{
    /// <summary>
    /// The data dirs to search: this command's, the default one of whoever runs it (root's /var/lib/diskless), then
    /// those of the registry; each once, those that exist.
    /// </summary>
    public static IReadOnlyList<string> DataDirectoriesToSearch(string current, string defaultDirectory, IEnumerable<string> registered) =>
        [.. new[] { current, defaultDirectory }.Concat(registered)
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)))
            .Distinct(StringComparer.Ordinal)
            .Where(Directory.Exists)];

    public static async Task<int> RunAsync(GlobalStatusServices services, bool json, CancellationToken cancellationToken)
    {
        var rows = await ReadRowsAsync(services, cancellationToken).ConfigureAwait(false);
        if (json)
        {
            CliJson.Write(services.Out, new GlobalStatusReport(rows, services.DataDirectories));
            return 0;
        }

        await GlobalStatusText.WriteAsync(services.Out, rows, services.DataDirectories).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Every machine's row, each state asked of its provider now.</summary>
    public static async Task<IReadOnlyList<GlobalMachineRow>> ReadRowsAsync(GlobalStatusServices services, CancellationToken cancellationToken)
    {
        var rows = new List<GlobalMachineRow>();
        var projects = new Dictionary<string, ProjectSpec?>(StringComparer.Ordinal);
        var namespaces = new Dictionary<IdMap, MachineNamespace>();
        try
        {
            foreach (var dataDirectory in services.DataDirectories)
            {
                foreach (var machine in MachineListing.Read(dataDirectory, services.Owner, services.Progress.Warn))
                {
                    rows.Add(await RowAsync(services, machine, projects, namespaces, cancellationToken).ConfigureAwait(false));
                }
            }
        }
        finally
        {
            foreach (var open in namespaces.Values)
            {
                await open.DisposeAsync().ConfigureAwait(false);
            }
        }

        return rows;
    }

    private static async Task<GlobalMachineRow> RowAsync(
        GlobalStatusServices services, ListedMachine machine, Dictionary<string, ProjectSpec?> projects, Dictionary<IdMap, MachineNamespace> namespaces, CancellationToken cancellationToken)
    {
        var orphan = machine.IsOrphan;
        var row = new GlobalMachineRow(
            machine.Name, machine.Record?.Id, "unknown", machine.Problem, machine.Record?.Provider, machine.Record?.Distro, machine.ProjectDirectory,
            orphan, null, machine.DataDirectory, null, [], null, null, null);
        if (machine.Record is not { } read)
        {
            return row;
        }

        var paths = new HostPaths(machine.DataDirectory);
        var state = new ProjectState(machine.ProjectDirectory, paths);
        if (state.StateDirectory != machine.StateDirectory)
        {
            return row with { Detail = $"{Path.Combine(machine.StateDirectory, ProjectEntry.FileName)} names a folder whose state is kept elsewhere" };
        }

        MachineRecord record;
        try
        {
            var isolation = orphan && read.IdMap is { } recorded ? services.Isolation.ForGoneProject(machine.ProjectDirectory, recorded.LoginUid, recorded.LoginGid) : services.Isolation;
            record = RecordCheck.Normalize(read, machine.Name, state, () => isolation.CurrentMap(machine.ProjectDirectory));
        }
        catch (DisklessException e)
        {
            return row with { Detail = e.Message };
        }

        row = row with
        {
            Id = record.Id,
            RootPath = record.RootPath,
            Remove = orphan ? RemoveCommand(record.Id, machine.DataDirectory, services.CurrentDataDirectory) : null,
        };
        if (!record.SetupComplete)
        {
            return row with { State = "not created", Detail = "its first up did not finish" };
        }

        MachineStatus status;
        var host = services.HostFor(paths);
        try
        {
            var provider = services.Plugins.GetProvider(record.Provider);
            status = await provider.StatusAsync(record.ToHandle(), host, cancellationToken).ConfigureAwait(false);
        }
        catch (DisklessException e)
        {
            return row with { Detail = e.Message };
        }

        row = row with { State = MachineStateNames.Of(status.State), Detail = status.Detail };
        if (status.State is MachineState.Running or MachineState.Stopped)
        {
            var spec = orphan ? null : await ProjectAsync(services, machine.ProjectDirectory, projects, cancellationToken).ConfigureAwait(false);
            var machineSpec = spec?.Machines.FirstOrDefault(m => m.Name == machine.Name);
            // As status shows them: what a running machine forwards now; what a stopped one's Disklessfile would forward.
            row = status.State == MachineState.Running
                ? row with
                {
                    Ssh = record.Ssh is { } ssh ? new GlobalSshView(ssh.Host, ssh.Port, machineSpec?.Distro.User) : null,
                    Ports = await MachineForwards.ActiveAsync(record, machineSpec?.Ports, cancellationToken).ConfigureAwait(false),
                }
                : row with { Ports = MachineForwards.Listed(machineSpec?.Ports ?? []) };
        }

        if (services.MeasureSize && Directory.Exists(record.RootPath))
        {
            var usage = await MeasureAsync(services, state, host, record, namespaces, cancellationToken).ConfigureAwait(false);
            row = row with { RootBytes = usage?.Bytes, RootSizeMethod = usage?.Method };
        }

        return row;
    }

    /// <summary>
    /// The root's size as <c>du</c> measures it (<see cref="DiskUsage"/>): a root of subordinate ids is read as guest root
    /// in a namespace of its map, one namespace per map for the whole listing (every machine of an ordinary user has the
    /// same). Null when it cannot be measured: the listing does not fail for it.
    /// </summary>
    private static async Task<UsageFigures?> MeasureAsync(
        GlobalStatusServices services, ProjectState state, IHostServices host, MachineRecord record, Dictionary<IdMap, MachineNamespace> namespaces, CancellationToken cancellationToken)
    {
        try
        {
            var measuring = host;
            if (record.IdMap is { } map)
            {
                if (!namespaces.TryGetValue(map, out var open))
                {
                    open = await services.NamespacesFor(state).OpenAsync(host, map, cancellationToken).ConfigureAwait(false);
                    namespaces[map] = open;
                }

                measuring = open.Host;
            }

            return await DiskUsage.MeasureAsync(record.RootPath, measuring.Commands, measuring.Namespace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DisklessException or IOException or FormatException or InvalidOperationException)
        {
            services.Progress.Warn($"the root of '{record.Name}' ({record.RootPath}) could not be measured: {e.Message}");
            return null;
        }
    }

    private static async Task<ProjectSpec?> ProjectAsync(GlobalStatusServices services, string projectDirectory, Dictionary<string, ProjectSpec?> projects, CancellationToken cancellationToken)
    {
        if (!projects.TryGetValue(projectDirectory, out var spec))
        {
            spec = await services.ReadProject(projectDirectory, cancellationToken).ConfigureAwait(false);
            projects[projectDirectory] = spec;
        }

        return spec;
    }

    /// <summary>The command that removes the orphan <paramref name="id"/>: naming its data dir when it is not the one diskless finds by default.</summary>
    internal static string RemoveCommand(string id, string dataDirectory, string currentDataDirectory) =>
        (dataDirectory == Path.TrimEndingDirectorySeparator(currentDataDirectory) ? "" : "DISKLESS_HOME=" + ShellQuoting.Quote(dataDirectory) + " ")
        + "diskless destroy --force --orphan " + id;
}
