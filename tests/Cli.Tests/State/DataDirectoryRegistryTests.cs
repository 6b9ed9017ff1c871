using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class DataDirectoryRegistryTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static long Me => HostIdentity.Current().Uid;

    public void Dispose() => _temp.Dispose();

    private DataDirectoryRegistry Registry() => new(_temp.Combine("state", "diskless", "data-dirs.json"), Me);

    [Fact]
    public void The_registry_is_in_the_state_home_else_in_roots_data_dir_else_in_the_users_home_and_nowhere_without_one()
    {
        Assert.Equal("/s/diskless/data-dirs.json", DataDirectory.RegistryFile(n => n == "XDG_STATE_HOME" ? "/s" : "/home/u", isRoot: true));
        Assert.Equal("/var/lib/diskless/data-dirs.json", DataDirectory.RegistryFile(n => n == "HOME" ? "/root" : null, isRoot: true));
        Assert.Equal("/home/u/.local/state/diskless/data-dirs.json", DataDirectory.RegistryFile(n => n == "HOME" ? "/home/u" : n == "XDG_STATE_HOME" ? "relative" : null, isRoot: false));
        Assert.Null(DataDirectory.RegistryFile(_ => null, isRoot: false));
    }

    [Fact]
    public void A_data_dir_is_recorded_once_and_one_that_is_gone_is_dropped_at_the_next_record()
    {
        var first = Directory.CreateDirectory(_temp.Combine("first")).FullName;
        var second = Directory.CreateDirectory(_temp.Combine("second")).FullName;
        var registry = Registry();

        registry.Record(first);
        registry.Record(first + "/");
        registry.Record(second);
        var both = registry.Read();
        Directory.Delete(first);
        var afterDelete = registry.Read();
        var third = Directory.CreateDirectory(_temp.Combine("third")).FullName;
        registry.Record(third);

        Assert.Equal([first, second], both);
        Assert.Equal([second], afterDelete);
        Assert.DoesNotContain(first, File.ReadAllText(registry.File), StringComparison.Ordinal);
        Assert.Equal([second, third], registry.Read());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(registry.File));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(registry.File)!));
    }

    [Fact]
    public void Entries_that_are_not_absolute_or_hold_a_control_character_are_ignored_and_a_damaged_file_reads_as_empty()
    {
        var real = Directory.CreateDirectory(_temp.Combine("real")).FullName;
        var registry = Registry();
        Directory.CreateDirectory(Path.GetDirectoryName(registry.File)!);
        File.WriteAllText(registry.File, $$"""{ "dataDirectories": ["relative", "{{real}}\n", "", null, "{{real}}"] }""");

        var read = registry.Read();
        File.WriteAllText(registry.File, "{ not json");

        Assert.Equal([real], read);
        Assert.Empty(registry.Read());
        registry.Record(real);
        Assert.Equal([real], registry.Read());
    }

    [Fact]
    public void A_registry_that_is_a_link_is_not_followed_and_the_next_record_replaces_the_link_not_its_target()
    {
        var elsewhere = Directory.CreateDirectory(_temp.Combine("elsewhere")).FullName;
        var target = _temp.Combine("planted.json");
        File.WriteAllText(target, DataDirectoryRegistry.Serialize([elsewhere]));
        var registry = Registry();
        Directory.CreateDirectory(Path.GetDirectoryName(registry.File)!);
        File.CreateSymbolicLink(registry.File, target);

        Assert.Throws<UntrustedFileException>(() => registry.Read());
        var mine = Directory.CreateDirectory(_temp.Combine("mine")).FullName;
        registry.Record(mine);

        Assert.Null(new FileInfo(registry.File).LinkTarget);
        Assert.Equal([mine], registry.Read());
        Assert.Equal(DataDirectoryRegistry.Serialize([elsewhere]), File.ReadAllText(target));
    }

    [Fact]
    public void A_registry_whose_folder_is_a_link_is_not_read()
    {
        var planted = Directory.CreateDirectory(_temp.Combine("planted")).FullName;
        File.WriteAllText(Path.Combine(planted, "data-dirs.json"), DataDirectoryRegistry.Serialize([planted]));
        Directory.CreateDirectory(_temp.Combine("state"));
        Directory.CreateSymbolicLink(_temp.Combine("state", "diskless"), planted);

        Assert.Throws<UntrustedFileException>(() => Registry().Read());
    }

    [Fact]
    public void A_project_state_records_its_data_dir_when_it_makes_state_there_and_one_without_a_registry_records_nothing()
    {
        var project = Directory.CreateDirectory(_temp.Combine("project")).FullName;
        var paths = new HostPaths(_temp.Combine("data"));
        var registry = Registry();
        var unrecorded = new ProjectState(project, new HostPaths(_temp.Combine("other-data")), name => name == "XDG_RUNTIME_DIR" ? _temp.Combine("run") : null, isRoot: false);
        var recorded = new ProjectState(project, paths, name => name == "XDG_RUNTIME_DIR" ? _temp.Combine("run") : null, isRoot: false) { Registry = registry };

        unrecorded.EnsureStateDirectory();
        Assert.False(File.Exists(registry.File));
        recorded.EnsureMachineStateDirectory("dev");

        Assert.Equal([paths.DataDirectory], registry.Read());
    }
}
