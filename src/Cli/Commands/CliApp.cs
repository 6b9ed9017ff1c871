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
    /// <param name="cancellationToken">Cancels the command (the program passes none and lets Ctrl-C cancel).</param>
    /// <param name="processTerminationTimeout">
    /// When set, Ctrl-C and SIGTERM cancel the command and the process waits this long for its clean-up
    /// (unmounts, qemu shutdown) before exiting; the program sets it, in-process callers leave it null.
    /// </param>
    public static async Task<int> RunAsync(string[] args, DisklessServices context, CancellationToken cancellationToken, TimeSpan? processTerminationTimeout = null)
    {
        var globals = new GlobalOptions();
        var root = BuildRoot(globals, context);
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
            ProcessTerminationTimeout = processTerminationTimeout,
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

    /// <summary>The command tree; the machine commands call <see cref="DisklessServices.Handlers"/>.</summary>
    internal static RootCommand BuildRoot(GlobalOptions globals, DisklessServices context)
    {
        var root = new RootCommand("Vagrant-style virtual machines without virtual disks: the guest's root filesystem is a host folder.")
        {
            globals.File,
            globals.Verbose,
            InitCommand.Create(globals, context),
            ValidateCommand.Create(globals, context),
            TrustCommand.Create(globals, context),
            UpCommand.Create(globals, context),
            StatusCommand.Create(globals, context),
            SshCommand.Create(globals, context),
            SshConfigCommand.Create(globals, context),
            ProvisionCommand.Create(globals, context),
            ReloadCommand.Create(globals, context),
            HaltCommand.Create(globals, context),
            AdoptCommand.Create(globals, context),
            DestroyCommand.Create(globals, context),
            SnapshotCommand.Create(globals, context),
            DuCommand.Create(globals, context),
            PruneCommand.Create(globals, context),
            PluginsCommand.Create(context),
            CompletionCommand.Create(context),
            AgentCommand.Create(globals, context),
        };
        ProjectCompletions.Attach(root, globals, context);

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
