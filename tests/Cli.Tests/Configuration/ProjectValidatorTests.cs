using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class ProjectValidatorTests
{
    private const string Path = "/srv/shop/Disklessfile";

    private static FakeCatalog Catalog(FakeDistro? debian = null, FakeProvider? qemu = null) =>
        new([debian ?? new FakeDistro("debian"), new FakeDistro("arch")], [qemu ?? new FakeProvider("qemu"), new FakeProvider("libvirt")]);

    [Fact]
    public async Task An_unknown_distro_is_named_at_its_name_with_the_available_ones_and_a_suggestion()
    {
        var project = DisklessfileParser.Parse("[distro]\nname = \"debain\"\n", Path);

        var issues = await ProjectValidator.ValidateAsync(project, Catalog(), CancellationToken.None);

        Assert.Equal(
            "/srv/shop/Disklessfile:2:8: no distro plugin named 'debain'; available: arch, debian (did you mean 'debian'?)",
            Assert.Single(issues).ToString());
    }

    [Fact]
    public async Task An_unknown_provider_without_a_close_match_points_to_the_plugins_command()
    {
        var project = DisklessfileParser.Parse("cpus = 1\n\n[provider]\nname = \"virtualbox\"\n", Path);

        var issues = await ProjectValidator.ValidateAsync(project, Catalog(), CancellationToken.None);

        Assert.Equal(
            "/srv/shop/Disklessfile:4:8: no provider plugin named 'virtualbox'; available: libvirt, qemu (run `diskless plugins` to see the plugins found and why any failed to load)",
            Assert.Single(issues).ToString());
    }

    [Fact]
    public async Task Plugins_validate_their_settings_and_their_issues_are_returned_in_file_order()
    {
        var distroIssue = new SpecIssue("unknown debian setting 'variant'", new SourceLocation(Path, 3, 1));
        var providerIssue = new SpecIssue("qemu cannot forward udp", new SourceLocation(Path, 6, 1));
        var debian = new FakeDistro("debian", distroIssue);
        var qemu = new FakeProvider("qemu", providerIssue);
        var project = DisklessfileParser.Parse("[distro]\nrelease = \"bookworm\"\nvariant = \"minbase\"\n\n[provider]\nwhatever = 1\n", Path);

        var issues = await ProjectValidator.ValidateAsync(project, Catalog(debian, qemu), CancellationToken.None);

        Assert.Equal([distroIssue, providerIssue], issues);
        Assert.Equal("minbase", Assert.Single(debian.Validated).Settings["variant"].Value);
        Assert.Same(project.Machines[0], Assert.Single(qemu.Validated));
    }

    [Fact]
    public async Task A_missing_synced_folder_is_reported_at_its_host_value()
    {
        using var temp = new TempProject();
        temp.CreateFolder("site");
        var project = DisklessfileParser.Parse(
            "[[synced_folders]]\nhost = \"site\"\nguest = \"/site\"\n\n[[synced_folders]]\nhost = \"data\"\nguest = \"/data\"\n",
            temp.DisklessfilePath);

        var issues = await ProjectValidator.ValidateAsync(project, Catalog(), CancellationToken.None);

        var issue = Assert.Single(issues);
        Assert.Equal(new SourceLocation(temp.DisklessfilePath, 6, 8), issue.Location);
        Assert.Equal($"synced folder {temp.Root}/data does not exist", issue.Message);
        Assert.Equal($"create it (mkdir -p {temp.Root}/data) or fix 'host'", issue.Hint);
    }

    [Fact]
    public async Task Missing_provisioning_files_are_reported_and_present_ones_are_not()
    {
        using var temp = new TempProject();
        temp.CreateFile("scripts/ok.sh", "true\n");
        const string text = """
            [[provision]]
            script = "scripts/ok.sh"

            [[provision]]
            script = "scripts/missing.sh"

            [[provision]]
            file = { source = "app.conf", destination = "/etc/app.conf" }
            """;
        var project = DisklessfileParser.Parse(text, temp.DisklessfilePath);

        var issues = await ProjectValidator.ValidateAsync(project, Catalog(), CancellationToken.None);

        Assert.Equal(
            [
                new SpecIssue($"provisioning script {temp.Root}/scripts/missing.sh does not exist", new SourceLocation(temp.DisklessfilePath, 5, 10), "paths are relative to the Disklessfile's folder"),
                new SpecIssue($"provisioning source {temp.Root}/app.conf does not exist", new SourceLocation(temp.DisklessfilePath, 8, 19), "paths are relative to the Disklessfile's folder"),
            ],
            issues);
    }

    [Fact]
    public async Task A_valid_project_has_no_issues_and_each_machine_is_checked()
    {
        using var temp = new TempProject();
        var qemu = new FakeProvider("qemu");
        var project = DisklessfileParser.Parse("[[synced_folders]]\nhost = \".\"\nguest = \"/project\"\n[machines.a]\n[machines.b]\n", temp.DisklessfilePath);

        var issues = await ProjectValidator.ValidateAsync(project, Catalog(qemu: qemu), CancellationToken.None);

        Assert.Empty(issues);
        Assert.Equal(["a", "b"], qemu.Validated.Select(m => m.Name));
    }
}
