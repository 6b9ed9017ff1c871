using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Diskless.Abstractions;
using Diskless.Cli.Completion;
using Diskless.Cli.Composition;
using Diskless.Cli.Errors;

namespace Diskless.Cli.Commands;

/// <summary>The <c>diskless</c> program as a function: arguments in, exit code out. Tests run it in-process.</summary>
public static class CliApp
{
    /// <summary>Runs one command line against <paramref name="context"/>.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="context">The services every command uses (output, working folder, handlers, plugins…), built once.</param>
    /// <param name="cancellationToken">Cancels the command: the program's is cancelled by Ctrl-C or SIGTERM (<see cref="Processes.Interrupts"/>).</param>
    public static async Task<int> RunAsync(string[] args, DisklessServices context, CancellationToken cancellationToken)
    {
        var globals = new GlobalOptions();
        var root = BuildRoot(globals, context, NamedCommand(args));
        var parseResult = root.Parse(args);
        var reporter = new ErrorReporter(context.Error, parseResult.GetValue(globals.Verbose));
        if (parseResult.Errors.Count > 0 && parseResult.Action is ParseErrorAction)
        {
            return ReportUsageErrors(parseResult, context.Error);
        }

        var configuration = new InvocationConfiguration
        {
            // Our ErrorReporter prints errors for people; the default handler prints stack traces.
            EnableDefaultExceptionHandler = false,
            // The program handles Ctrl-C itself (Interrupts): a fixed grace period would cut a clean-up short.
            ProcessTerminationTimeout = null,
            Output = context.Out,
            Error = context.Error,
        };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return reporter.Report(e, cancellationToken.IsCancellationRequested);
        }
    }

    // The commands, in the order help lists them, each with the name it is made with.
    private static readonly (string Name, Func<GlobalOptions, DisklessServices, Command> Create)[] CommandFactories =
    [
        ("init", InitCommand.Create),
        ("validate", ValidateCommand.Create),
        ("trust", TrustCommand.Create),
        ("up", UpCommand.Create),
        ("status", StatusCommand.Create),
        ("global-status", GlobalStatusCommand.Create),
        ("ssh", SshCommand.Create),
        ("ssh-config", SshConfigCommand.Create),
        ("provision", ProvisionCommand.Create),
        ("reload", ReloadCommand.Create),
        ("halt", HaltCommand.Create),
        ("adopt", AdoptCommand.Create),
        ("destroy", DestroyCommand.Create),
        ("snapshot", SnapshotCommand.Create),
        ("du", DuCommand.Create),
        ("port", PortCommand.Create),
        ("prune", PruneCommand.Create),
        ("plugins", (_, context) => PluginsCommand.Create(context)),
        ("completion", (_, context) => CompletionCommand.Create(context)),
        ("agent", AgentCommand.Create),
    ];

    /// <summary>
    /// The command the line starts with, when its first word names one: then only that command needs building, since
    /// nothing on such a line reaches another (its help, its errors and its options are its own). Null otherwise (no
    /// command, a global option first, a directive such as the shells' <c>[suggest]</c>): the whole tree is built.
    /// </summary>
    internal static string? NamedCommand(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return null;
        }

        foreach (var (name, _) in CommandFactories)
        {
            if (name == args[0])
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>
    /// The command tree, or only its command <paramref name="only"/> under the root (<see cref="NamedCommand"/>): building
    /// every command is a tenth of a not-created machine's status. The machine commands call <see cref="DisklessServices.Handlers"/>.
    /// </summary>
    internal static RootCommand BuildRoot(GlobalOptions globals, DisklessServices context, string? only = null)
    {
        var root = new RootCommand("Vagrant-style virtual machines without virtual disks: the guest's root filesystem is a host folder.")
        {
            globals.File,
            globals.Verbose,
        };
        foreach (var (name, create) in CommandFactories)
        {
            if (only is null || name == only)
            {
                root.Subcommands.Add(create(globals, context));
            }
        }

        // The shells ask for completions with a directive ([suggest:N]) first on the line, which builds the whole tree:
        // a line that starts with a command completes nothing.
        if (only is null)
        {
            ProjectCompletions.Attach(root, globals, context);
        }

        // Help names the program "diskless" however it is started (dotnet diskless.dll, the apphost, a test host).
        root.HelpName = "diskless";

        // `diskless` alone shows the commands, and fails: it did not do anything a script asked for.
        root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return ExitCodes.Usage;
        });
        return root;
    }

    private static int ReportUsageErrors(ParseResult parseResult, TextWriter error)
    {
        foreach (var parseError in parseResult.Errors)
        {
            error.WriteLine("error: " + parseError.Message);
        }

        var command = parseResult.CommandResult.Command;
        error.WriteLine($"hint: `diskless {(command is RootCommand ? "" : command.Name + " ")}--help` shows the usage");
        return ExitCodes.Usage;
    }
}
