using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless du [machine] [--json]</c>: what machines, their snapshots and the bases hold on the host.</summary>
internal static class DuCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("measure");
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("du", "Show the bytes each machine's root, its snapshots and each base hold on the host") { machine, json };
        return command.Runs(context, r => new DuRequest(globals.Read(r, context), r.GetValue(machine), r.GetValue(json)), h => h.Du);
    }
}
