using System.CommandLine;

namespace Diskless.Cli.Commands;

/// <summary>Shared pieces of command construction.</summary>
internal static class CommandBinding
{
    /// <summary>The optional machine-name argument of the machine commands.</summary>
    public static Argument<string?> MachineArgument(string what) => new("machine")
    {
        Description = $"The machine to {what}; all machines of the Disklessfile when omitted",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Makes <paramref name="command"/> run <paramref name="handler"/> with the request <paramref name="read"/> builds.</summary>
    public static Command Runs<TRequest>(
        this Command command,
        CliContext context,
        Func<ParseResult, TRequest> read,
        Func<CommandHandlers, ICommandHandler<TRequest>> handler)
    {
        command.SetAction((parseResult, cancellationToken) => handler(context.Handlers).RunAsync(read(parseResult), context, cancellationToken));
        return command;
    }
}
