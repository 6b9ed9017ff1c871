using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.Tests.Commands;
using Diskless.Cli.Tests.Isolation;
using Diskless.Cli.Tests.Plugins;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Composition;

/// <summary>
/// A service replaced in the program's one <see cref="DisklessServices"/> is the one every command uses: commands
/// that used to build their own (up beside validate, prune beside du) see the replacement too.
/// </summary>
public sealed class DisklessServicesTests : IDisposable
{
    private const string Disklessfile = """
        name = "web"

        [distro]
        name = "debian"
        release = "bookworm"

        [provider]
        name = "qemu"

        """;

    private readonly TempFolder _sandbox = new();

    public DisklessServicesTests()
    {
        Directory.CreateDirectory(_sandbox.Sub("project"));
        File.WriteAllText(_sandbox.Sub("project", "Disklessfile"), Disklessfile);
    }

    public void Dispose() => _sandbox.Dispose();

    // Beside the project, not in it: a data dir in the guest's reach is refused.
    private HostPaths Data => new(_sandbox.Sub("data"));

    /// <summary>A user this host does not know, so no real namespace or subordinate range is ever reached.</summary>
    private static HostIdentity Dltest => new("dltest", 1500, 1500);

    [Fact]
    public async Task An_isolation_replaced_at_the_root_is_the_one_validate_and_up_both_check()
    {
        // A host where dltest has no subordinate uids: what validate reports and what stops up before it builds anything.
        var probe = new FakeIsolationProbe();
        probe.Files[SubordinateIds.UidFile] = "someone-else:100000:65536\n";
        using var output = new StringWriter();
        using var error = new StringWriter();
        var services = CliRun.Services(output, error, _sandbox.Sub("project")) with
        {
            Isolation = new MachineIsolation(probe, Dltest),
            Paths = Data,
        };

        var validate = await CliRun.RunAsync(["validate"], services, output, error);
        using var upOutput = new StringWriter();
        using var upError = new StringWriter();
        var up = await CliRun.RunAsync(["up"], services with { Out = upOutput, Error = upError }, upOutput, upError);

        Assert.Equal(ExitCodes.NotAvailable, validate.ExitCode);
        Assert.Contains("error: this host cannot run these machines yet: dltest has no subordinate uids", validate.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, up.ExitCode);
        Assert.StartsWith("error: dltest has no subordinate uids", up.Err, StringComparison.Ordinal);
        // Up stopped before the record was written: a first up that cannot isolate its machine leaves none.
        Assert.Empty(Directory.EnumerateFiles(Data.DataDirectory, "machine.json", SearchOption.AllDirectories));
    }

    [RequiresFact("du")]
    public async Task A_command_runner_replaced_at_the_root_runs_the_commands_of_du_and_of_prune()
    {
        var unused = Path.Combine(Data.BasesDirectory, "debian-bookworm-unused");
        Directory.CreateDirectory(unused);
        await File.WriteAllTextAsync(Path.Combine(unused, "file"), "a base's content");
        var ran = new List<CommandSpec>();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var services = CliRun.Services(output, error, _sandbox.Sub("project")) with
        {
            Commands = progress => new Recording(new CliWrapCommandRunner(progress), ran),
            Paths = Data,
            Isolation = new MachineIsolation(new FakeIsolationProbe(), Dltest),
        };

        var du = await CliRun.RunAsync(["du"], services, output, error);
        var duRan = ran.ToList();
        using var pruneOutput = new StringWriter();
        using var pruneError = new StringWriter();
        var prune = await CliRun.RunAsync(["prune"], services with { Out = pruneOutput, Error = pruneError }, pruneOutput, pruneError);
        var pruneRan = ran.Skip(duRan.Count).ToList();

        Assert.Equal((0, ""), (du.ExitCode, du.Err));
        Assert.Contains("base debian-bookworm-unused", du.Out, StringComparison.Ordinal);
        Assert.Contains(duRan, c => c.Arguments.Contains(unused));
        Assert.Equal(0, prune.ExitCode);
        Assert.Contains(pruneRan, c => c.Arguments.Any(a => a.Contains("debian-bookworm-unused", StringComparison.Ordinal)));
        Assert.False(Directory.Exists(unused));
    }

    [Fact]
    public async Task The_files_warnings_go_to_the_error_stream_the_root_was_given()
    {
        File.WriteAllText(_sandbox.Sub("project", "Disklessfile"), """
            name = "arch"

            [distro]
            name = "arch"
            check_signatures = false

            [provider]
            name = "qemu"

            """);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var services = CliRun.Services(output, error, _sandbox.Sub("project")) with { Isolation = new MachineIsolation(new FakeIsolationProbe(), Dltest) };

        var validate = await CliRun.RunAsync(["validate"], services, output, error);

        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("warning: [distro] check_signatures = false", validate.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", validate.Out, StringComparison.Ordinal);
    }

    /// <summary>Runs every command for real, and keeps it.</summary>
    private sealed class Recording(ICommandRunner inner, List<CommandSpec> ran) : ICommandRunner
    {
        public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
        {
            lock (ran)
            {
                ran.Add(command);
            }

            return inner.RunAsync(command, cancellationToken);
        }

        public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("neither du nor prune starts a process that outlives it");
    }
}
