using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class DisklessfileLocatorTests
{
    [Fact]
    public void Find_walks_up_from_a_nested_folder_to_the_nearest_Disklessfile()
    {
        using var temp = new TempProject();
        var nested = temp.CreateFolder("src/app/deep");

        Assert.Equal(temp.DisklessfilePath, DisklessfileLocator.Find(nested));
        Assert.Equal(temp.DisklessfilePath, DisklessfileLocator.Find(temp.Root));
    }

    [Fact]
    public void Find_prefers_the_closest_Disklessfile()
    {
        using var temp = new TempProject();
        var inner = temp.CreateFile("sub/Disklessfile");

        Assert.Equal(inner, DisklessfileLocator.Find(Path.Combine(temp.Root, "sub")));
    }

    [Fact]
    public void Find_returns_null_when_no_folder_up_to_the_root_has_one()
    {
        var empty = Directory.CreateTempSubdirectory("diskless-none-");
        try
        {
            // The temp folder's ancestors (/tmp, /) hold no Disklessfile on a sane machine.
            Assert.Null(DisklessfileLocator.Find(empty.FullName));
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public void Resolve_without_an_option_finds_the_file_from_the_current_folder()
    {
        using var temp = new TempProject();

        Assert.Equal(temp.DisklessfilePath, DisklessfileLocator.Resolve(null, temp.CreateFolder("lib")));
    }

    [Fact]
    public void Resolve_takes_a_file_option_relative_to_the_current_folder_or_a_folder_holding_one()
    {
        using var temp = new TempProject();
        var other = temp.CreateFile("envs/Disklessfile.ci");

        Assert.Equal(other, DisklessfileLocator.Resolve("envs/Disklessfile.ci", temp.Root));
        Assert.Equal(temp.DisklessfilePath, DisklessfileLocator.Resolve("..", Path.Combine(temp.Root, "envs")));
    }

    [Fact]
    public void Resolve_with_a_missing_file_option_fails_with_the_init_hint()
    {
        using var temp = new TempProject();

        var error = Assert.Throws<DisklessException>(() => DisklessfileLocator.Resolve("nope/Disklessfile", temp.Root));

        Assert.Equal($"{temp.Root}/nope/Disklessfile does not exist", error.Message);
        Assert.Equal("run `diskless init` to create one", error.Hint);
        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
    }

    [Fact]
    public void Resolve_without_any_Disklessfile_fails_with_the_init_hint()
    {
        var empty = Directory.CreateTempSubdirectory("diskless-none-");
        try
        {
            var error = Assert.Throws<DisklessException>(() => DisklessfileLocator.Resolve(null, empty.FullName));

            Assert.Equal($"no Disklessfile in {empty.FullName} or any folder above it", error.Message);
            Assert.Equal("run `diskless init` to create one", error.Hint);
            Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
        }
        finally
        {
            empty.Delete();
        }
    }
}
