using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary>Shared pieces of command construction.</summary>
internal static class CommandBinding
{
    /// <summary>The optional machine-name argument of the machine commands.</summary>
    public static Argument<string?> MachineArgument(string what)
    {
        var machine = new Argument<string?>("machine")
        {
            Description = $"The machine to {what}; all machines of the Disklessfile when omitted",
            Arity = ArgumentArity.ZeroOrOne,
        };
        RejectOptionLikeValues(machine);
        return machine;
    }

    /// <summary>
    /// The parser hands an unknown option ("--provison") to an optional argument as its value; a machine name never
    /// starts with '-', so report it as the unknown option it is.
    /// </summary>
    public static void RejectOptionLikeValues(Argument argument) =>
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
            {
                result.AddError($"unknown option '{token.Value}'");
            }
        });

    /// <summary>Makes <paramref name="command"/> run <paramref name="handler"/> with the request <paramref name="read"/> builds.</summary>
    public static Command Runs<TRequest>(
        this Command command,
        DisklessServices context,
        Func<ParseResult, TRequest> read,
        Func<CommandHandlers, ICommandHandler<TRequest>> handler)
    {
        command.SetAction((parseResult, cancellationToken) => handler(context.Handlers).RunAsync(read(parseResult), context, cancellationToken));
        return command;
    }
}
