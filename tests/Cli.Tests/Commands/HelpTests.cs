namespace Diskless.Cli.Tests.Commands;

public sealed class HelpTests
{
    private static readonly string[] CommandNames = ["init", "validate", "up", "status", "global-status", "ssh", "ssh-config", "provision", "reload", "halt", "destroy", "adopt", "trust", "snapshot", "du", "prune", "plugins"];

    public static TheoryData<string> Commands => new(CommandNames);

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_works_for_every_command(string command)
    {
        var run = await CliRun.RunAsync([command, "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"diskless {command}", run.Out, StringComparison.Ordinal);
        Assert.Contains("--verbose", run.Out, StringComparison.Ordinal);
        Assert.Contains("--file", run.Out, StringComparison.Ordinal);
        Assert.Equal("", run.Err);
    }

    [Fact]
    public async Task Help_of_the_program_lists_every_command()
    {
        var run = await CliRun.RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.All(CommandNames, command => Assert.Contains($"  {command} ", run.Out, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_of_the_machine_commands_shows_their_own_options()
    {
        Assert.Contains("--provision", (await CliRun.RunAsync(["up", "--help"])).Out, StringComparison.Ordinal);
        Assert.Contains("--fresh", (await CliRun.RunAsync(["up", "--help"])).Out, StringComparison.Ordinal);
        Assert.Contains("-f, --force", (await CliRun.RunAsync(["destroy", "--help"])).Out, StringComparison.Ordinal);
        Assert.Contains("--force", (await CliRun.RunAsync(["halt", "--help"])).Out, StringComparison.Ordinal);
        Assert.Contains("-c, --command", (await CliRun.RunAsync(["ssh", "--help"])).Out, StringComparison.Ordinal);
        Assert.Contains("--json", (await CliRun.RunAsync(["status", "--help"])).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_program_without_a_command_shows_help_and_exits_with_Usage()
    {
        var run = await CliRun.RunAsync([]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
        Assert.Contains("  up ", run.Out, StringComparison.Ordinal);
    }
}
