using Diskless.Cli.Agent;
using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Agent;

public sealed class AgentPidFileTests
{
    [Fact]
    public async Task A_recorded_pid_that_is_not_this_machines_agent_is_not_the_agent()
    {
        using var folder = new TempDirectory();
        // This test's own process: alive and ours, but its argv is no agent's, as a pid the kernel gave to another program.
        await AgentPidFile.SaveAsync(folder.Path, new AgentEntry(Environment.ProcessId, "0123456789ab", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Null(await AgentPidFile.LiveAsync(folder.Path, "0123456789ab", new ProcProcessTable(), CancellationToken.None));
    }

    [Fact]
    public async Task No_file_and_a_damaged_file_mean_no_agent()
    {
        using var folder = new TempDirectory();
        Assert.Null(await AgentPidFile.LiveAsync(folder.Path, "0123456789ab", new ProcProcessTable(), CancellationToken.None));

        await File.WriteAllTextAsync(AgentPidFile.PathIn(folder.Path), "{ not json");

        Assert.Null(await AgentPidFile.LiveAsync(folder.Path, "0123456789ab", new ProcProcessTable(), CancellationToken.None));
    }

    [Theory]
    [InlineData("diskless agent --machine-id 0123456789ab --file /p/Disklessfile dev", true)]
    [InlineData("dotnet diskless.dll agent --machine-id 0123456789ab dev", true)]
    [InlineData("diskless agent --machine-id 0123456789abc dev", false)]
    [InlineData("diskless agent --machine-id ffffffffffff dev", false)]
    [InlineData("sh -c agent --machine-id0123456789ab", false)]
    [InlineData("diskless up dev", false)]
    public void The_agent_is_told_by_its_subcommand_and_machine_id_as_whole_arguments(string argv, bool matches) =>
        Assert.Equal(matches, AgentCommandLine.Matches(argv.Split(' '), "0123456789ab"));
}
