using System.CommandLine;
using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;
using Diskless.Cli.State;

namespace Diskless.Cli.Completion;

/// <summary>
/// What the shell completes from the project: the machines its Disklessfile names, and the snapshots of those machines.
/// Read only — the Disklessfile parsed, no plugin loaded, no record acted on — and silent: a project that cannot be
/// read completes nothing, since a completion has no one to tell.
/// </summary>
internal static class ProjectCompletions
{
    /// <summary>Adds the sources to every <c>machine</c> argument under <paramref name="root"/> and to the snapshot names.</summary>
    public static void Attach(Command root, GlobalOptions globals, DisklessServices context)
    {
        foreach (var command in WithDescendants(root))
        {
            if (command.Arguments.FirstOrDefault(a => a.Name == "machine") is not Argument<string?> machine)
            {
                continue;
            }

            machine.CompletionSources.Add(c => Machines(c.ParseResult, globals, context).Select(m => m.Name));
            if (command.Name != "save" && command.Parents.OfType<Command>().Any(p => p.Name == "snapshot") && command.Arguments.FirstOrDefault(a => a.Name == "name") is { } snapshot)
            {
                snapshot.CompletionSources.Add(c => SnapshotNames(c.ParseResult, machine, globals, context));
            }
        }
    }

    private static IEnumerable<Command> WithDescendants(Command command) =>
        command.Subcommands.SelectMany(WithDescendants).Prepend(command);

    private static IReadOnlyList<MachineSpec> Machines(ParseResult parseResult, GlobalOptions globals, DisklessServices context) =>
        Project(parseResult, globals, context)?.Machines ?? [];

    private static ProjectSpec? Project(ParseResult parseResult, GlobalOptions globals, DisklessServices context)
    {
        try
        {
            return DisklessfileParser.ParseFile(DisklessfileLocator.Resolve(parseResult.GetValue(globals.File), context.WorkingDirectory));
        }
        catch (Exception e) when (e is DisklessException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The snapshots of the machine named on the line, or of every machine of the project when none is yet.</summary>
    private static IEnumerable<string> SnapshotNames(ParseResult parseResult, Argument<string?> machine, GlobalOptions globals, DisklessServices context)
    {
        if (Project(parseResult, globals, context) is not { } project)
        {
            return [];
        }

        var named = parseResult.GetValue(machine);
        var state = new ProjectState(project.ProjectDirectory, context.Paths);
        return project.Machines
            .Where(m => named is null || m.Name == named)
            .SelectMany(m => Snapshots(state, m.Name, context))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Snapshots(ProjectState state, string machineName, DisklessServices context)
    {
        try
        {
            if (MachineRecordStore.LoadAsync(state.MachineStateDirectory(machineName), CancellationToken.None).GetAwaiter().GetResult() is not { } record)
            {
                return [];
            }

            // Folders are computed from the data dir, never joined from the record; its own id map is let stand, since
            // listing names acts on nothing.
            var checkedRecord = RecordCheck.Normalize(record, machineName, state, () => record.IdMap);
            return new MachineSnapshots(checkedRecord, context.Host(verbose: false)).List().Select(s => s.Name);
        }
        catch (Exception e) when (e is DisklessException or IOException or UnauthorizedAccessException or JsonException)
        {
            return [];
        }
    }
}
