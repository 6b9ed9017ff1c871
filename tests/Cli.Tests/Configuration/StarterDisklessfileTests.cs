using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Configuration;

public sealed class StarterDisklessfileTests
{
    [Fact]
    public void The_starter_file_renders_as_the_golden_file()
    {
        Golden.AssertText(StarterDisklessfile.Render(new ScribanTemplates(), "shop"), "Disklessfile.starter");
    }

    [Fact]
    public void The_starter_file_parses_into_a_machine_named_after_the_project()
    {
        var text = StarterDisklessfile.Render(new ScribanTemplates(), "My Shop");

        var machine = Assert.Single(DisklessfileParser.Parse(text, "/srv/shop/Disklessfile").Machines);

        Assert.Equal("my-shop", machine.Name);
        Assert.Equal(2048, machine.MemoryMiB);
        Assert.Equal("debian", machine.Distro.Name);
        Assert.Equal("qemu", machine.Provider.Name);
        Assert.Equal(Accelerator.Auto, machine.Provider.Accel);
        var folder = Assert.Single(machine.SyncedFolders);
        Assert.Equal(("/srv/shop", "/project"), (folder.HostPath, folder.GuestPath));
        var install = Assert.IsType<ShellProvisioner>(machine.Provisioners[0]);
        Assert.Contains("apt-get install -y", install.Inline, StringComparison.Ordinal);
        Assert.Equal("my-shop", Assert.IsType<ShellProvisioner>(machine.Provisioners[1]).Environment["MACHINE"]);
    }

    [Fact]
    public void The_template_source_has_only_the_name_to_fill_in_and_is_valid_toml_around_it()
    {
        // Independent of the template engine: proves the file's own TOML, whatever renders it.
        var assembly = typeof(StarterDisklessfile).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Templates." + StarterDisklessfile.TemplateName, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        var source = reader.ReadToEnd();

        Assert.Equal(2, source.Split("{{").Length - 1);
        Assert.DoesNotContain("{%", source, StringComparison.Ordinal);
        var project = DisklessfileParser.Parse(source.Replace("{{ name }}", "shop", StringComparison.Ordinal), "/srv/shop/Disklessfile");
        Assert.Equal("shop", Assert.Single(project.Machines).Name);
    }
}
