using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless up</c>: builds, boots and provisions machines.</summary>
internal static class UpCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("start");
        var provision = new Option<bool>("--provision") { Description = "Run the provisioners even if the machine was provisioned before" };
        var fresh = new Option<bool>("--fresh") { Description = "Make a new machine even where one of a project that moved away (see `diskless adopt`) could be taken over" };
        var command = new Command("up", "Build the root filesystem if needed, boot the machine and provision it on its first boot") { machine, provision, fresh };
        return command.Runs(context, r => new UpRequest(globals.Read(r, context), r.GetValue(machine), r.GetValue(provision), r.GetValue(fresh)), h => h.Up);
    }
}
