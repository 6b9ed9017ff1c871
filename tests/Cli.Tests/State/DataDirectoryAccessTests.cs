using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

/// <summary>Another host user, acting for real through runuser, against a data dir that diskless created.</summary>
public sealed class DataDirectoryAccessTests
{
    private const UnixFileMode Open = (UnixFileMode)0b111_101_101;

    [RequiresFact("runuser", Root = true, OtherUser = true, Timeout = 60_000)]
    public async Task Another_host_user_can_neither_list_nor_enter_machines_bases_or_tmp()
    {
        using var temp = new TempFolder();
        // The temp folder is 0700: open it, so that only the modes diskless sets can keep the other user out.
        File.SetUnixFileMode(temp.Path, Open);
        var paths = new HostPaths(temp.Combine("data"));
        DataDirectory.EnsureCreated(paths);
        var root = Directory.CreateDirectory(Path.Combine(paths.MachinesDirectory, "m1", "root"));
        File.SetUnixFileMode(root.FullName, Open);
        await File.WriteAllTextAsync(Path.Combine(root.FullName, "setuid-in-the-guest"), "");
        var runner = new CliWrapCommandRunner(new RecordingProgress());

        // The data dir itself stays reachable: the control that shows the other user gets this far.
        Assert.Equal(0, (await AsOtherUserAsync(runner, "ls", paths.DataDirectory)).ExitCode);
        foreach (var folder in new[] { paths.MachinesDirectory, paths.BasesDirectory, paths.TempDirectory })
        {
            var list = await AsOtherUserAsync(runner, "ls", folder);
            Assert.NotEqual(0, list.ExitCode);
            Assert.Contains("Permission denied", list.StandardError, StringComparison.Ordinal);
        }

        var enter = await AsOtherUserAsync(runner, "stat", Path.Combine(root.FullName, "setuid-in-the-guest"));
        Assert.NotEqual(0, enter.ExitCode);
        Assert.Contains("Permission denied", enter.StandardError, StringComparison.Ordinal);
    }

    private static Task<CommandResult> AsOtherUserAsync(ICommandRunner runner, string program, params string[] arguments)
    {
        var argv = TestUser.Run(program, arguments);
        return runner.RunAsync(new CommandSpec(argv[0], argv[1..]) { SuccessExitCodes = [0, 1, 2] }, CancellationToken.None);
    }
}
