using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless global-status [--json]</c>: every machine of this user, in every data dir they used, asked of its provider now.</summary>
internal static class GlobalStatusCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var noSize = new Option<bool>("--no-size") { Description = "Do not measure each root on disk (du walks every file): the fastest listing" };
        var command = new Command("global-status", "Show every machine of this user, in every project and data dir, live") { json, noSize };
        return command.Runs(context, r => new GlobalStatusRequest(globals.Read(r, context), r.GetValue(json), r.GetValue(noSize)), h => h.GlobalStatus);
    }
}
