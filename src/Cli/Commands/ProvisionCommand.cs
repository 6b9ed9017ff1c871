using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless provision</c>: runs the provisioners on running machines.</summary>
internal static class ProvisionCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("provision");
        var command = new Command("provision", "Run the provisioners on the running machine") { machine };
        return command.Runs(context, r => new ProvisionRequest(globals.Read(r, context), r.GetValue(machine)), h => h.Provision);
    }
}
