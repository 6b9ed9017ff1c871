using Diskless.Abstractions;

namespace Diskless.Cli.Completion;

/// <summary>
/// The view model of <c>Templates/completion.&lt;shell&gt;.liquid</c>: a shell function that asks the program itself, through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, what may follow the words before the cursor.
/// </summary>
/// <param name="Program">The command the shell completes.</param>
/// <param name="Function">The name of the shell function (no '-': not every shell takes one).</param>
public sealed record CompletionScript(string Program, string Function)
{
    /// <summary>The shells a script is written for.</summary>
    public static IReadOnlyList<string> Shells { get; } = ["bash", "zsh", "fish"];

    /// <summary>The script for <paramref name="shell"/>, one of <see cref="Shells"/>.</summary>
    public static string Render(ITemplates templates, string shell)
    {
        ArgumentNullException.ThrowIfNull(templates);
        return templates.Render(typeof(CompletionScript).Assembly, $"completion.{shell}.liquid", new CompletionScript("diskless", "diskless_complete"));
    }
}
