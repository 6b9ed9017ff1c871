using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless prune [--json]</c>: removes the bases no machine uses, in any project.</summary>
internal static class PruneCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("prune", "Remove the cached bases no machine uses (any project's)") { json };
        return command.Runs(context, r => new PruneRequest(globals.Read(r, context), r.GetValue(json)), h => h.Prune);
    }
}
