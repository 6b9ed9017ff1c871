using System.CommandLine;
using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless init</c>: writes a starter Disklessfile.</summary>
internal static class InitCommand
{
    public const string DefaultFileName = "Disklessfile";

    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var name = new Argument<string?>("name")
        {
            Description = "The machine name (default: derived from the folder name)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("init", "Write a starter Disklessfile in the current folder") { name };
        command.SetAction(async (result, cancellationToken) =>
        {
            var target = Path.GetFullPath(result.GetValue(globals.File) ?? DefaultFileName, context.WorkingDirectory);
            if (File.Exists(target))
            {
                throw new DisklessException(
                    $"{target} already exists",
                    $"edit it, or delete it and run `diskless init` again; `diskless validate` checks it",
                    ExitCodes.Failure);
            }

            var machineName = result.GetValue(name) ?? NameRules.ToHostname(Path.GetFileName(Path.GetDirectoryName(target)!));
            var text = StarterDisklessfile.Render(context.Templates, machineName);

            // CreateNew: never overwrite a Disklessfile that appeared since the check above.
            await using (var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            context.Out.WriteLine($"wrote {target}");
            context.Error.WriteLine("next: edit it, then `diskless validate` and `diskless up`");
            return ExitCodes.Success;
        });
        return command;
    }
}
