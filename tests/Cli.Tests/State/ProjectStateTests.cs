using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class ProjectStateTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void The_state_folder_ignores_itself_in_git()
    {
        using var temp = new TempFolder();
        var state = new ProjectState(temp.Path);

        var folder = state.EnsureStateDirectory();

        Assert.Equal(temp.Combine(".diskless"), folder);
        Assert.Equal("*\n", File.ReadAllText(temp.Combine(".diskless", ".gitignore")));
    }

    [Fact]
    public void A_machine_state_folder_is_private_and_named_after_the_machine()
    {
        using var temp = new TempFolder();
        var state = new ProjectState(temp.Path);

        var folder = state.EnsureMachineStateDirectory("dev");

        Assert.Equal(temp.Combine(".diskless", "machines", "dev"), folder);
        Assert.Equal(Private, File.GetUnixFileMode(folder));
        Assert.Throws<ArgumentException>(() => state.MachineStateDirectory("../escape"));
    }

    [Fact]
    public void Runtime_folders_are_short_stable_and_private()
    {
        using var temp = new TempFolder();
        var deepProject = temp.Combine(string.Join('/', Enumerable.Repeat("a-rather-deep-folder-name", 8)));
        var state = new ProjectState(deepProject, name => name == "XDG_RUNTIME_DIR" ? temp.Combine("run") : null, isRoot: false);

        var folder = state.EnsureRuntimeDirectory("0123456789ab");

        Assert.Equal(folder, state.RuntimeDirectory("0123456789ab"));
        Assert.NotEqual(folder, state.RuntimeDirectory("ba9876543210"));
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(temp.Combine("run", "diskless")) + "/[0-9a-f]{10}$", folder);
        Assert.True((folder + "/virtiofsd.sock").Length < 108);
        Assert.Equal(Private, File.GetUnixFileMode(folder));
        Assert.Equal(Private, File.GetUnixFileMode(Path.GetDirectoryName(folder)!));
        Assert.Equal(Private, File.GetUnixFileMode(temp.Combine("run")));
    }

    [Fact]
    public void Root_keeps_its_sockets_in_run()
    {
        var state = new ProjectState("/srv/project", _ => "/run/user/1000", isRoot: true);

        Assert.StartsWith("/run/diskless/", state.RuntimeDirectory("0123456789ab"), StringComparison.Ordinal);
    }
}
