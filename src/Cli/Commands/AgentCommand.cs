using System.CommandLine;
using Diskless.Cli.Agent;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary>
/// <c>diskless agent</c> (hidden): the host agent of one running machine, started detached by <c>up</c>,
/// <c>reload</c> and a start; not for people to run.
/// </summary>
internal static class AgentCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = new Argument<string>("machine") { Description = "The machine the agent serves" };
        var id = new Option<string>(AgentCommandLine.MachineIdOption) { Description = "The machine's id, which the agent checks", Required = true };
        var terminal = new Option<string?>(AgentCommandLine.TerminalOption) { Description = "The terminal to tell of what the agent forwards (up's, when its stderr is one)" };
        var command = new Command(AgentCommandLine.Command, "The host agent of a running machine (started by up; not for people to run)")
        {
            machine,
            id,
            terminal,
        };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            var services = await context.LifecycleAsync(globals.Read(result, context), validate: false, cancellationToken).ConfigureAwait(false);
            var log = TextWriter.Synchronized(context.Error);
            var notices = result.GetValue(terminal) is { } device
                ? new AgentNotices(AgentTerminal.Opener(device), result.GetValue(machine)!)
                : AgentNotices.None;
            return await AgentHandler.RunAsync(services, result.GetValue(machine)!, result.GetValue(id)!, context.AgentJobs, log, notices, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
