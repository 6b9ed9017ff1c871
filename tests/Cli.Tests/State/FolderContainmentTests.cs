using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class FolderContainmentTests
{
    [Fact]
    public void A_folder_reached_through_a_link_out_of_the_parent_is_not_inside_it()
    {
        using var temp = new TempFolder();
        var parent = Directory.CreateDirectory(temp.Combine("runtime")).FullName;
        var outside = Directory.CreateDirectory(temp.Combine("home", "ada")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(parent, "door"), outside);

        Assert.Null(FolderContainment.Inside(Path.Combine(parent, "door", "sockets"), parent));
        Assert.Equal(Path.Combine(parent, "door"), FolderContainment.Inside(Path.Combine(parent, "door"), parent));
        Assert.Null(FolderContainment.Inside(parent, parent));
    }

    [Fact]
    public void A_named_folder_is_expected_only_when_it_is_the_computed_one_inside_the_parent()
    {
        using var temp = new TempFolder();
        var parent = Directory.CreateDirectory(temp.Combine("machines")).FullName;
        var computed = Path.Combine(parent, "dev");

        Assert.Equal(computed, FolderContainment.Expected(computed + "/", computed, parent));
        Assert.Null(FolderContainment.Expected(Path.Combine(parent, "web"), computed, parent));
        Assert.Null(FolderContainment.Expected(temp.Combine("elsewhere", "dev"), computed, parent));
        Assert.Null(FolderContainment.Expected(temp.Combine("elsewhere"), temp.Combine("elsewhere"), parent));
    }
}
