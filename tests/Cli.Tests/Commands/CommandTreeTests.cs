using System.CommandLine;
using Diskless.Cli.Commands;

namespace Diskless.Cli.Tests.Commands;

/// <summary>
/// A line that starts with a command builds only that command (<see cref="CliApp.NamedCommand"/>): what it prints and
/// how it fails must be what the whole tree gives.
/// </summary>
public sealed class CommandTreeTests
{
    public static TheoryData<string[]> CommandPaths()
    {
        var data = new TheoryData<string[]>();
        foreach (var command in FullTree().Subcommands)
        {
            data.Add([command.Name]);
            foreach (var sub in command.Subcommands)
            {
                data.Add([command.Name, sub.Name]);
            }
        }

        return data;
    }

    [Fact]
    public void Every_command_of_the_tree_is_built_alone_when_a_line_starts_with_it()
    {
        var names = FullTree().Subcommands.Select(c => c.Name).ToList();

        Assert.Equal(20, names.Count);
        foreach (var name in names)
        {
            Assert.Equal(name, CliApp.NamedCommand([name, "--json"]));
            Assert.Equal([name], Tree(name).Subcommands.Select(c => c.Name));
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("-f", "Disklessfile", "status")]
    [InlineData("[suggest:3]", "st")]
    [InlineData("statu")]
    public void Other_lines_build_the_whole_tree(params string[] args)
    {
        Assert.Null(CliApp.NamedCommand(args));
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Help_of_a_command_built_alone_is_its_help_in_the_whole_tree(string[] path)
    {
        var alone = Invoke(Tree(path[0]), [.. path, "--help"]);

        // The hidden agent command prints no help, in either tree.
        Assert.True(path[0] == "agent" || alone.Contains("Usage:", StringComparison.Ordinal), alone);
        Assert.Equal(Invoke(FullTree(), [.. path, "--help"]), alone);
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void A_wrong_line_fails_alike_with_the_command_built_alone(string[] path)
    {
        string[] line = [.. path, "--no-such-option", "one", "two", "three"];

        var alone = Tree(path[0]).Parse(line).Errors.Select(e => e.Message).ToList();

        // ssh hands what it does not know to ssh itself.
        Assert.True(path[0] == "ssh" || alone.Count > 0);
        Assert.Equal(FullTree().Parse(line).Errors.Select(e => e.Message), alone);
    }

    private static RootCommand FullTree() => Tree(null);

    private static RootCommand Tree(string? only)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return CliApp.BuildRoot(new GlobalOptions(), CliRun.Services(output, error), only);
    }

    private static string Invoke(RootCommand root, string[] args)
    {
        using var output = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output });
        return $"exit {exitCode}\n{output}";
    }
}
