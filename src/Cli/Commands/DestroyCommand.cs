using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless destroy</c>: stops machines and removes their root filesystems.</summary>
internal static class DestroyCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("destroy");

        // -f is --force here, as in Vagrant; the global --file keeps its long name on this command.
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask for confirmation (on destroy, -f means --force: name a Disklessfile with --file)" };
        var orphan = new Option<string?>("--orphan")
        {
            Description = "Destroy the machine with this id whose project folder is gone (global-status lists them); no Disklessfile is read",
            HelpName = "id",
        };
        var command = new Command("destroy", "Stop the machine and delete its root filesystem") { machine, force, orphan };
        command.Validators.Add(result =>
        {
            if (result.GetValue(orphan) is not null && result.GetValue(machine) is not null)
            {
                result.AddError("--orphan names the machine by its id: give no machine name with it");
            }
        });
        return command.Runs(context, r => new DestroyRequest(globals.Read(r, context), r.GetValue(machine), r.GetValue(force), r.GetValue(orphan)), h => h.Destroy);
    }
}
