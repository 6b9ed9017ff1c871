using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Tests.Pipeline;

namespace Diskless.Cli.Tests.Commands;

/// <summary>A virtiofsd holds one descriptor per inode the guest caches: status shows each one's use against its limit.</summary>
public sealed class StatusDescriptorTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Status_shows_each_virtiofsds_descriptors_and_warns_past_eighty_percent_with_the_command_that_raises_the_limit()
    {
        await File.WriteAllTextAsync(Path.Combine(_sandbox.Project, "Disklessfile"), "name = \"dev\"\n");
        await _sandbox.CreatedMachineAsync(r => r);
        _sandbox.Provider.Running = true;
        _sandbox.Provider.Descriptors = [new DescriptorUse("virtiofsd", 812, 951, 20000, 20000), new DescriptorUse("virtiofsd", 815, 1700, 2000, 2000)];
        var text = new StringWriter();
        var json = new StringWriter();

        await StatusHandler.RunAsync(_sandbox.Services(text), null, json: false, CancellationToken.None);
        await StatusHandler.RunAsync(_sandbox.Services(json), null, json: true, CancellationToken.None);

        var lines = text.ToString();
        Assert.Contains("virtiofsd pid 812: 951 of 20000 descriptors (4 %)", lines, StringComparison.Ordinal);
        Assert.Contains("virtiofsd pid 815: 1700 of 2000 descriptors (85 %)", lines, StringComparison.Ordinal);
        Assert.Single(lines.Split('\n'), l => l.Contains("warning: virtiofsd (pid 815) holds 1700 of its 2000 open files", StringComparison.Ordinal));
        var holder = NofileHolder.Current();
        Assert.Contains(DescriptorAdvice.Raise(holder.BindingOf(_sandbox.Provider.Descriptors[1]), holder.User), lines, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.ToString());
        var uses = document.RootElement.GetProperty("machines")[0].GetProperty("descriptors").EnumerateArray().ToList();
        Assert.Equal([951, 1700], uses.Select(u => u.GetProperty("open").GetInt32()));
        Assert.Equal([20000L, 2000L], uses.Select(u => u.GetProperty("limit").GetInt64()));
        Assert.Equal(JsonValueKind.Null, uses[0].GetProperty("warning").ValueKind);
        Assert.Contains("diskless halt && diskless up", uses[1].GetProperty("warning").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 2000L, "the hard nofile limit of alice", "echo 'alice hard nofile 1048576' | sudo tee /etc/security/limits.d/diskless-alice.conf, log in again")]
    [InlineData(true, 1_048_576L, "the host's fs.nr_open", "sysctl -w fs.nr_open=2097152")]
    [InlineData(true, 2000L, "it lacks CAP_SYS_RESOURCE, as in a container", "--ulimit nofile=1048576:1048576, or LimitNOFILE=1048576")]
    public void A_limit_low_for_big_trees_is_named_once_for_all_helpers_with_the_command_for_whoever_can_raise_it(bool isRoot, long hard, string source, string command)
    {
        // Root's helper raised to fs.nr_open shows a root that may raise its limit; one left below it, a root that may not.
        var holder = new NofileHolder(isRoot, "alice", NrOpen: 1_048_576);
        IReadOnlyList<DescriptorUse> alike = [new("virtiofsd", 7, 951, 2000, hard), new("virtiofsd", 8, 20, 2000, hard), new("virtiofsd", 9, 20, 2000, hard)];

        var low = Assert.Single(DescriptorAdvice.LowForBigTrees(alike, holder));

        Assert.StartsWith("virtiofsd (pids 7, 8, 9) may hold only 2000 open files (", low, StringComparison.Ordinal);
        Assert.Contains(source, low, StringComparison.Ordinal);
        Assert.Contains(command, low, StringComparison.Ordinal);
        Assert.EndsWith("then: diskless halt && diskless up", low, StringComparison.Ordinal);
        Assert.Empty(DescriptorAdvice.LowForBigTrees([new DescriptorUse("virtiofsd", 9, 951, 524_288, 1_048_576)], holder));
        Assert.Equal(
            ["virtiofsd (pid 9) may hold only 2000", "virtiofsd (pid 10) may hold only 4000"],
            DescriptorAdvice.LowForBigTrees([new DescriptorUse("virtiofsd", 9, 951, 2000, hard), new DescriptorUse("virtiofsd", 10, 9, 4000, hard)], holder).Select(w => w[..w.IndexOf(" open files", StringComparison.Ordinal)]));
        Assert.Null(DescriptorAdvice.NearLimit(new DescriptorUse("virtiofsd", 9, 1600, 2000, hard), holder));
        Assert.Contains(command, DescriptorAdvice.NearLimit(new DescriptorUse("virtiofsd", 9, 1601, 2000, hard), holder), StringComparison.Ordinal);
    }
}
