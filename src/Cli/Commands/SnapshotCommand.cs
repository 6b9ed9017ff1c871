using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless snapshot save|list|restore|delete</c>: snapshots of a machine's root, taken from the host.</summary>
internal static class SnapshotCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var command = new Command("snapshot", "Save, list, restore and delete snapshots of a machine's root")
        {
            Action("save", "Save a snapshot of the root (also while the machine runs: the guest syncs first)", SnapshotAction.Save, globals, context),
            List(globals, context),
            Action("restore", "Make the root what a snapshot holds (the machine must be halted, or --force halts it)", SnapshotAction.Restore, globals, context),
            Action("delete", "Delete a snapshot", SnapshotAction.Delete, globals, context),
        };
        return command;
    }

    private static Command Action(string name, string description, SnapshotAction action, GlobalOptions globals, DisklessServices context)
    {
        var snapshot = new Argument<string>("name") { Description = "The snapshot's name" };
        CommandBinding.RejectOptionLikeValues(snapshot);
        var machine = CommandBinding.MachineArgument(name == "save" ? "snapshot" : "act on");
        machine.Description = "The machine; may be omitted when the Disklessfile has one machine";
        var command = new Command(name, description) { snapshot, machine };
        Option<bool>? force = null;
        if (action == SnapshotAction.Restore)
        {
            force = new Option<bool>("--force") { Description = "Halt the machine first if it is running" };
            command.Add(force);
        }

        return command.Runs(
            context,
            r => new SnapshotRequest(globals.Read(r, context), action, r.GetValue(machine), r.GetValue(snapshot), force is not null && r.GetValue(force), Json: false),
            h => h.Snapshot);
    }

    private static Command List(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("list the snapshots of");
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", "List the snapshots with the bytes each holds") { machine, json };
        return command.Runs(context, r => new SnapshotRequest(globals.Read(r, context), SnapshotAction.List, r.GetValue(machine), null, false, r.GetValue(json)), h => h.Snapshot);
    }
}
