using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class DataDirectoryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void DISKLESS_HOME_wins_for_everyone()
    {
        Assert.Equal("/srv/dl", DataDirectory.Resolve(Env(("DISKLESS_HOME", "/srv/dl"), ("XDG_DATA_HOME", "/x")), isRoot: true).DataDirectory);
        Assert.Equal("/srv/dl", DataDirectory.Resolve(Env(("DISKLESS_HOME", "/srv/dl")), isRoot: false).DataDirectory);
    }

    [Fact]
    public void Root_uses_var_lib()
    {
        Assert.Equal("/var/lib/diskless", DataDirectory.Resolve(Env(("XDG_DATA_HOME", "/x"), ("HOME", "/root")), isRoot: true).DataDirectory);
    }

    [Fact]
    public void Users_use_XDG_DATA_HOME_and_else_their_local_share()
    {
        Assert.Equal("/x/data/diskless", DataDirectory.Resolve(Env(("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/ann")), isRoot: false).DataDirectory);
        Assert.Equal("/home/ann/.local/share/diskless", DataDirectory.Resolve(Env(("HOME", "/home/ann")), isRoot: false).DataDirectory);
        Assert.Equal("/home/ann/.local/share/diskless", DataDirectory.Resolve(Env(("XDG_DATA_HOME", ""), ("HOME", "/home/ann")), isRoot: false).DataDirectory);
    }

    [Fact]
    public void Resolving_creates_nothing_and_EnsureCreated_closes_bases_machines_and_tmp_to_other_users()
    {
        using var temp = new TempFolder();
        var paths = DataDirectory.Resolve(Env(("DISKLESS_HOME", temp.Combine("home"))), isRoot: false);
        Assert.False(Directory.Exists(paths.DataDirectory));

        DataDirectory.EnsureCreated(paths);

        Assert.Equal(Mode("755"), File.GetUnixFileMode(paths.DataDirectory));
        foreach (var folder in new[] { paths.BasesDirectory, paths.MachinesDirectory, paths.TempDirectory })
        {
            Assert.Equal(Mode("700"), File.GetUnixFileMode(folder));
        }
    }

    [Fact]
    public void EnsureCreated_closes_folders_an_older_version_left_open()
    {
        using var temp = new TempFolder();
        var paths = new Diskless.Abstractions.HostPaths(temp.Combine("home"));
        Directory.CreateDirectory(paths.MachinesDirectory, Mode("755"));
        File.SetUnixFileMode(paths.MachinesDirectory, Mode("755"));

        DataDirectory.EnsureCreated(paths);

        Assert.Equal(Mode("700"), File.GetUnixFileMode(paths.MachinesDirectory));
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);
}
