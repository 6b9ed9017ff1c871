using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless status</c>: the state of the project's machines.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("describe");
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("status", "Show the state of the machines") { machine, json };
        return command.Runs(context, r => new StatusRequest(globals.Read(r, context), r.GetValue(machine), r.GetValue(json)), h => h.Status);
    }
}
