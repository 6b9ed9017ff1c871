using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class ProjectStateTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void The_state_lives_in_the_data_dir_and_nothing_is_written_into_the_project()
    {
        using var temp = new TempFolder();
        var project = Directory.CreateDirectory(temp.Combine("project")).FullName;
        var paths = new HostPaths(temp.Combine("data"));
        var state = new ProjectState(project, paths);

        var folder = state.EnsureMachineStateDirectory("dev");

        Assert.Equal(Path.Combine(paths.ProjectsDirectory, ProjectState.KeyOf(project), "machines", "dev"), folder);
        Assert.Empty(Directory.EnumerateFileSystemEntries(project));
        Assert.Equal(project, ProjectEntry.Read(state.StateDirectory)!.Path);
        foreach (var privateFolder in new[] { paths.ProjectsDirectory, state.StateDirectory, state.MachinesStateDirectory, folder })
        {
            Assert.Equal(Private, File.GetUnixFileMode(privateFolder));
        }

        Assert.Throws<ArgumentException>(() => state.MachineStateDirectory("../escape"));
    }

    [Fact]
    public void A_project_reached_through_a_link_has_the_state_of_its_real_folder()
    {
        using var temp = new TempFolder();
        var project = Directory.CreateDirectory(temp.Combine("project")).FullName;
        File.CreateSymbolicLink(temp.Combine("link"), project);
        var paths = new HostPaths(temp.Combine("data"));

        var throughLink = new ProjectState(temp.Combine("link"), paths);

        Assert.Equal(new ProjectState(project, paths).StateDirectory, throughLink.StateDirectory);
        Assert.NotEqual(new ProjectState(temp.Combine("other"), paths).StateDirectory, throughLink.StateDirectory);
    }

    [Fact]
    public void A_moved_project_finds_the_machine_its_old_folder_left()
    {
        using var temp = new TempFolder();
        var paths = new HostPaths(temp.Combine("data"));
        var old = new ProjectState(Directory.CreateDirectory(temp.Combine("old")).FullName, paths);
        File.WriteAllText(MachineRecordStore.PathIn(old.EnsureMachineStateDirectory("dev")), "{}");
        var moved = new ProjectState(Directory.CreateDirectory(temp.Combine("new")).FullName, paths);

        Assert.Empty(moved.MovedFrom("dev"));
        Directory.Delete(temp.Combine("old"));

        Assert.Equal([temp.Combine("old")], moved.MovedFrom("dev"));
        Assert.Empty(moved.MovedFrom("other"));
    }

    [Fact]
    public void Runtime_folders_are_short_stable_and_private()
    {
        using var temp = new TempFolder();
        var deepProject = temp.Combine(string.Join('/', Enumerable.Repeat("a-rather-deep-folder-name", 8)));
        var state = new ProjectState(deepProject, new HostPaths(temp.Combine("data")), name => name == "XDG_RUNTIME_DIR" ? temp.Combine("run") : null, isRoot: false);

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
        var state = new ProjectState("/srv/project", new HostPaths("/var/lib/diskless"), _ => "/run/user/1000", isRoot: true);

        Assert.StartsWith("/run/diskless/", state.RuntimeDirectory("0123456789ab"), StringComparison.Ordinal);
    }
}
