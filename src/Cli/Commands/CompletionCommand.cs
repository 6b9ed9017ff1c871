using System.CommandLine;
using Diskless.Abstractions;
using Diskless.Cli.Completion;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless completion bash|zsh|fish</c>: prints the shell's completion script.</summary>
internal static class CompletionCommand
{
    public static Command Create(DisklessServices context)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong([.. CompletionScript.Shells]);
        var command = new Command("completion", "Print the shell completion script (bash: source <(diskless completion bash))") { shell };
        command.SetAction(result =>
        {
            context.Out.Write(CompletionScript.Render(context.Templates, result.GetValue(shell)!));
            return ExitCodes.Success;
        });
        return command;
    }
}
