using System.CommandLine;
using Diskless.Cli.Composition;
using Diskless.Cli.Pipeline.Lifecycle;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless port add HOST:GUEST[/udp]</c>, <c>diskless port remove HOST[/udp]</c>: forwards of a running machine.</summary>
internal static class PortCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context) =>
        new("port", "Forward a host port to a running machine, or stop forwarding it, without a reboot")
        {
            Action("add", "forward", "HOST:GUEST[/udp]: 127.0.0.1:HOST to the guest's GUEST (e.g. 8080:80)", PortHandler.AddAsync, globals, context),
            Action("remove", "host-port", "HOST[/udp]: the host port of a forward made with `port add`", PortHandler.RemoveAsync, globals, context),
        };

    private static Command Action(
        string name,
        string argumentName,
        string argumentDescription,
        Func<LifecycleServices, string?, string, CancellationToken, Task<int>> run,
        GlobalOptions globals,
        DisklessServices context)
    {
        var forward = new Argument<string>(argumentName) { Description = argumentDescription };
        var machine = CommandBinding.MachineArgument("change");
        machine.Description = "The machine; may be omitted when the Disklessfile has one machine";
        var command = new Command(name, name == "add" ? "Forward a host port to the running machine" : "Stop forwarding a host port added with `port add`")
        {
            forward,
            machine,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var services = await context.LifecycleAsync(globals.Read(result, context), validate: false, cancellationToken).ConfigureAwait(false);
            return await run(services, result.GetValue(machine), result.GetValue(forward)!, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
