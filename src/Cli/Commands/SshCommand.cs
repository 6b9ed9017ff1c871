using System.CommandLine;
using System.CommandLine.Parsing;
using Diskless.Abstractions;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless ssh</c>: logs in to a machine, or runs one command there.</summary>
internal static class SshCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = new Argument<string?>("machine")
        {
            Description = "The machine to log in to; may be omitted when the Disklessfile has one machine",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var extra = new Argument<string[]>("ssh-arguments")
        {
            Description = "Arguments after -- are passed to ssh as they are",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var run = new Option<string?>("--command", "-c") { Description = "Run this command in the guest instead of a shell", HelpName = "command" };
        var command = new Command("ssh", "Log in to the machine over SSH") { machine, extra, run };
        return command.Runs(context, r => Read(r, globals, context, run), h => h.Ssh);
    }

    // Everything after "--" belongs to ssh, so the machine name must come from before it: the parser alone would
    // hand the first ssh argument to the optional machine argument.
    private static SshRequest Read(ParseResult result, GlobalOptions globals, DisklessServices context, Option<string?> run)
    {
        var tokens = result.CommandResult.Tokens;
        var dash = result.Tokens.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.Type == TokenType.DoubleDash);
        var afterDash = dash.t is null ? [] : result.Tokens.Skip(dash.i + 1).Select(t => t.Value).ToArray();
        var beforeDash = tokens.Where(t => t.Type == TokenType.Argument).Select(t => t.Value).Take(tokens.Count(t => t.Type == TokenType.Argument) - afterDash.Length).ToArray();
        if (beforeDash.FirstOrDefault(a => a.StartsWith('-')) is { } unknown)
        {
            throw new DisklessException($"unknown option '{unknown}'", "`diskless ssh --help` shows the usage; put ssh's own options after --", ExitCodes.Usage);
        }

        return new SshRequest(globals.Read(result, context), beforeDash.FirstOrDefault(), result.GetValue(run), afterDash);
    }
}
