using System.CommandLine;
using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless validate</c>: checks the Disklessfile (with the plugins it names) and prints the machines.</summary>
internal static class ValidateCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var json = new Option<bool>("--json") { Description = "Print the resolved machines as JSON for scripts" };
        var command = new Command("validate", "Check the Disklessfile and show the machines it defines, with every default filled in") { json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var project = await context.ProjectAsync(result.GetValue(globals.File), validate: true, cancellationToken).ConfigureAwait(false);
            var trusted = Trust.TrustGate.IsGranted(project, context.Trust);
            if (result.GetValue(json))
            {
                var requests = project.Requests.Select(r => new RequestView(r.Location?.ToString(), r.Message)).ToList();
                CliJson.Write(context.Out, new ProjectView(project.DisklessfilePath, project.ProjectDirectory, [.. project.Machines.Select(MachineView.From)], requests, trusted));
            }
            else
            {
                MachineText.Write(context.Out, project);
                WriteRequests(context.Out, project, trusted);
            }

            // The file is fine; whether this host can run its machines is said too, with the fixes, before an up fails on it.
            var providers = project.Machines.Select(m => m.Provider.Name).Distinct(StringComparer.Ordinal).Select(context.Plugins.GetProvider);
            var problems = context.Isolation.HostProblems(providers);
            foreach (var problem in problems)
            {
                context.Error.WriteLine($"error: this host cannot run these machines yet: {problem.Message}");
                context.Error.WriteLine("hint: " + problem.Hint);
            }

            return problems.Count == 0 ? ExitCodes.Success : ExitCodes.NotAvailable;
        });
        return command;
    }

    // Valid either way: requests are what up will ask the user's consent for, so validate shows them first.
    private static void WriteRequests(TextWriter output, ProjectSpec project, bool trusted)
    {
        if (project.Requests.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(trusted
            ? "Requests (reach past the project; you trust this file as it is):"
            : "Requests (reach past the project; not trusted: `diskless trust` grants them, up refuses until then):");
        foreach (var request in project.Requests)
        {
            output.WriteLine("  " + request);
        }
    }
}
