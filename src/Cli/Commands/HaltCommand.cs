using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless halt</c>: shuts machines down.</summary>
internal static class HaltCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("shut down");
        var force = new Option<bool>("--force") { Description = "Power off at once instead of asking the guest to shut down" };
        var command = new Command("halt", "Shut the machine down (politely, then by force after a timeout)") { machine, force };
        return command.Runs(context, r => new HaltRequest(globals.Read(r, context), r.GetValue(machine), r.GetValue(force)), h => h.Halt);
    }
}
