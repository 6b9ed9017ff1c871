using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class ProjectLoaderTests
{
    private static FakeCatalog Catalog() => new([new FakeDistro("debian")], [new FakeProvider("qemu")]);

    [Fact]
    public async Task Load_finds_parses_and_validates_the_project_from_a_nested_folder()
    {
        using var temp = new TempProject("name = \"shop\"\ncpus = 1\n");

        var project = await ProjectLoader.LoadAsync(null, temp.CreateFolder("src"), Catalog(), CancellationToken.None);

        Assert.Equal(temp.DisklessfilePath, project.DisklessfilePath);
        Assert.Equal(1, Assert.Single(project.Machines).Cpus);
    }

    [Fact]
    public async Task Load_reports_parse_and_validation_problems_with_the_path_relative_to_the_current_folder()
    {
        using var temp = new TempProject("cpus = \"two\"\n");
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => ProjectLoader.LoadAsync(null, temp.Root, Catalog(), CancellationToken.None));
        Assert.Equal("Disklessfile:1:8: expected an integer for 'cpus', found a string \"two\"", error.Message);

        File.WriteAllText(temp.DisklessfilePath, "[distro]\nname = \"arch\"\n");
        error = await Assert.ThrowsAsync<ConfigurationException>(() => ProjectLoader.LoadAsync(null, temp.CreateFolder("src"), Catalog(), CancellationToken.None));
        Assert.Equal($"{temp.DisklessfilePath}:2:8: no distro plugin named 'arch'; available: debian (run `diskless plugins` to see the plugins found and why any failed to load)", error.Message);
        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
    }
}
