using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless adopt FROM [machine]</c>: takes over the machines of the folder a project was moved (or copied) from.</summary>
internal static class AdoptCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var from = new Argument<string>("from") { Description = "The folder the project was in before it moved (or the project it was copied from)" };
        var machine = CommandBinding.MachineArgument("adopt");
        var command = new Command("adopt", "Take over the machines Diskless keeps for another project folder: the one this project was moved or copied from")
        {
            from, machine,
        };
        return command.Runs(context, r => new AdoptRequest(globals.Read(r, context), r.GetValue(from)!, r.GetValue(machine)), h => h.Adopt);
    }
}
