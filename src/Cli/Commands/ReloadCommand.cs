using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless reload</c>: halts and starts machines again.</summary>
internal static class ReloadCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("restart");
        var provision = new Option<bool>("--provision") { Description = "Run the provisioners after the restart" };
        var command = new Command("reload", "Halt the machine and boot it again, applying Disklessfile changes") { machine, provision };
        return command.Runs(context, r => new ReloadRequest(globals.Read(r, context), r.GetValue(machine), r.GetValue(provision)), h => h.Reload);
    }
}
