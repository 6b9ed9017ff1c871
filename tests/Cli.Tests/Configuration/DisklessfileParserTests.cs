using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class DisklessfileParserTests
{
    private const string Path = "/srv/shop/Disklessfile";

    [Fact]
    public void A_full_single_machine_file_resolves_to_exact_values()
    {
        const string text = """
            name = "dev"
            cpus = 4
            memory = "1.5GiB"
            boot_timeout = "2m"

            [distro]
            name = "debian"
            release = "bookworm"
            mirror = "http://deb.debian.org/debian"
            packages = ["git", "build-essential"]
            user = "dev"
            locale = "en_GB.UTF-8"
            timezone = "Europe/London"
            variant = "minbase"

            [provider]
            name = "qemu"
            accel = "tcg"
            machine = "q35"

            [share]
            transport = "9p"
            msize = 262144

            [[synced_folders]]
            host = "."
            guest = "/project/"

            [[synced_folders]]
            host = "../data"
            guest = "/data"
            read_only = true
            transport = "9p"
            security_model = "mapped-xattr"

            [[ports]]
            host = 8080
            guest = 80

            [[ports]]
            host = 5353
            guest = 53
            protocol = "udp"
            host_ip = "0.0.0.0"

            [[provision]]
            shell = "apt-get install -y nginx"
            env = { DEBIAN_FRONTEND = "noninteractive" }

            [[provision]]
            script = "scripts/setup.sh"
            privileged = false

            [[provision]]
            file = { source = "conf/app.conf", destination = "/etc/app.conf" }
            """;

        var project = DisklessfileParser.Parse(text, Path);

        Assert.Equal("/srv/shop/Disklessfile", project.DisklessfilePath);
        Assert.Equal("/srv/shop", project.ProjectDirectory);
        var machine = Assert.Single(project.Machines);
        Assert.Equal("dev", machine.Name);
        Assert.Equal("/srv/shop", machine.ProjectDirectory);
        Assert.Equal("/srv/shop/Disklessfile", machine.DisklessfilePath);
        Assert.Equal(4, machine.Cpus);
        Assert.Equal(1536, machine.MemoryMiB);
        Assert.Equal(TimeSpan.FromMinutes(2), machine.BootTimeout);

        var distro = machine.Distro;
        Assert.Equal("debian", distro.Name);
        Assert.Equal("bookworm", distro.Release);
        Assert.Equal("http://deb.debian.org/debian", distro.Mirror);
        Assert.Equal(["git", "build-essential"], distro.Packages);
        Assert.Equal("dev", distro.User);
        Assert.Equal("en_GB.UTF-8", distro.Locale);
        Assert.Equal("Europe/London", distro.Timezone);
        Assert.Equal(new SourceLocation(Path, 7, 8), distro.Location);
        var variant = Assert.Single(distro.Settings);
        Assert.Equal("variant", variant.Key);
        Assert.Equal(new SpecValue("minbase", new SourceLocation(Path, 14, 11)), variant.Value);

        Assert.Equal("qemu", machine.Provider.Name);
        Assert.Equal(Accelerator.Tcg, machine.Provider.Accel);
        Assert.Equal(new SpecValue("q35", new SourceLocation(Path, 19, 11)), Assert.Single(machine.Provider.Settings).Value);

        Assert.Equal(new ShareSpec(ShareTransport.NineP, 262144), machine.Share);

        Assert.Equal(
            [
                new SyncedFolder("/srv/shop", "/project", false, null, null, new SourceLocation(Path, 26, 8)),
                new SyncedFolder("/srv/data", "/data", true, ShareTransport.NineP, "mapped-xattr", new SourceLocation(Path, 30, 8), Watch: false),
            ],
            machine.SyncedFolders);

        Assert.Equal(
            [
                new PortForward(8080, 80, "tcp", "127.0.0.1", new SourceLocation(Path, 37, 8)),
                new PortForward(5353, 53, "udp", "0.0.0.0", new SourceLocation(Path, 41, 8)),
            ],
            machine.Ports);

        Assert.Equal(3, machine.Provisioners.Count);
        var shell = Assert.IsType<ShellProvisioner>(machine.Provisioners[0]);
        Assert.Equal("apt-get install -y nginx", shell.Inline);
        Assert.Null(shell.ScriptPath);
        Assert.True(shell.Privileged);
        Assert.Equal("noninteractive", Assert.Single(shell.Environment, e => e.Key == "DEBIAN_FRONTEND").Value);
        Assert.Equal(new SourceLocation(Path, 47, 9), shell.Location);
        var script = Assert.IsType<ShellProvisioner>(machine.Provisioners[1]);
        Assert.Null(script.Inline);
        Assert.Equal("/srv/shop/scripts/setup.sh", script.ScriptPath);
        Assert.False(script.Privileged);
        Assert.Empty(script.Environment);
        Assert.Equal(new FileProvisioner("/srv/shop/conf/app.conf", "/etc/app.conf", new SourceLocation(Path, 55, 19)), machine.Provisioners[2]);
    }

    [Fact]
    public void An_empty_file_gives_one_machine_with_every_default()
    {
        var project = DisklessfileParser.Parse("", "/home/ada/My Shop_2/Disklessfile");

        var machine = Assert.Single(project.Machines);
        Assert.Equal("my-shop-2", machine.Name);
        Assert.Equal(2, machine.Cpus);
        Assert.Equal(2048, machine.MemoryMiB);
        Assert.Equal(TimeSpan.FromSeconds(300), machine.BootTimeout);
        Assert.Equal("debian", machine.Distro.Name);
        Assert.Null(machine.Distro.Release);
        Assert.Null(machine.Distro.Mirror);
        Assert.Empty(machine.Distro.Packages);
        Assert.Equal("diskless", machine.Distro.User);
        Assert.Equal("C.UTF-8", machine.Distro.Locale);
        Assert.Equal("Etc/UTC", machine.Distro.Timezone);
        Assert.Empty(machine.Distro.Settings);
        Assert.Null(machine.Distro.Location);
        Assert.Equal("qemu", machine.Provider.Name);
        Assert.Equal(Accelerator.Auto, machine.Provider.Accel);
        Assert.Null(machine.Provider.Location);
        Assert.Equal(new ShareSpec(null, ShareSpec.DefaultNinePMsize), machine.Share);
        Assert.Empty(machine.SyncedFolders);
        Assert.Empty(machine.Ports);
        Assert.Empty(machine.Provisioners);
    }

    [Fact]
    public void Memory_as_a_plain_integer_means_MiB_and_boot_timeout_as_an_integer_means_seconds()
    {
        var machine = DisklessfileParser.Parse("memory = 768\nboot_timeout = 90\n", Path).Machines[0];

        Assert.Equal(768, machine.MemoryMiB);
        Assert.Equal(TimeSpan.FromSeconds(90), machine.BootTimeout);
    }

    [Fact]
    public void Size_is_read_with_the_units_memory_takes_and_is_unset_by_default()
    {
        var sized = DisklessfileParser.Parse("size = \"20GiB\"\n", Path).Machines[0];
        var plain = DisklessfileParser.Parse("size = 2048\n", Path).Machines[0];
        var unset = DisklessfileParser.Parse("cpus = 1\n", Path).Machines[0];

        Assert.Equal(20L * 1024 * 1024 * 1024, sized.SizeBytes);
        Assert.Equal(2048L * 1024 * 1024, plain.SizeBytes);
        Assert.Null(unset.SizeBytes);
    }

    [Fact]
    public void Provider_location_is_its_table_when_the_name_is_not_written()
    {
        var machine = DisklessfileParser.Parse("cpus = 1\n\n[provider]\naccel = \"kvm\"\n", Path).Machines[0];

        Assert.Equal("qemu", machine.Provider.Name);
        Assert.Equal(Accelerator.Kvm, machine.Provider.Accel);
        Assert.Equal(new SourceLocation(Path, 3, 1), machine.Provider.Location);
    }

    [Fact]
    public void Plugin_settings_keep_nested_tables_and_arrays_with_their_locations()
    {
        const string text = """
            [provider]
            name = "libvirt"
            uri = "qemu:///system"
            extra = ["-nographic", "-no-reboot"]
            network = { bridge = "br0", mtu = 1500 }
            """;

        var settings = DisklessfileParser.Parse(text, Path).Machines[0].Provider.Settings;

        Assert.Equal("qemu:///system", settings["uri"].Value);
        Assert.Equal(["-nographic", "-no-reboot"], Assert.IsType<List<object>>(settings["extra"].Value));
        var network = Assert.IsType<IReadOnlyDictionary<string, SpecValue>>(settings["network"].Value, exactMatch: false);
        Assert.Equal(new SpecValue(1500L, new SourceLocation(Path, 5, 35)), network["mtu"]);
        Assert.Equal(new SourceLocation(Path, 5, 11), settings["network"].Location);
    }

    [Fact]
    public void Machines_inherit_top_level_values_merging_tables_and_replacing_arrays()
    {
        const string text = """
            cpus = 2
            memory = "1GiB"

            [distro]
            release = "bookworm"
            packages = ["git"]

            [[ports]]
            host = 8080
            guest = 80

            [machines.web]
            memory = "512MiB"

            [machines.db]
            cpus = 4
            distro = { packages = ["postgresql"] }
            ports = [{ host = 5432, guest = 5432 }]
            """;

        var project = DisklessfileParser.Parse(text, Path);

        Assert.Equal(["web", "db"], project.Machines.Select(m => m.Name));
        var web = project.Find("web")!;
        Assert.Equal(2, web.Cpus);
        Assert.Equal(512, web.MemoryMiB);
        Assert.Equal("bookworm", web.Distro.Release);
        Assert.Equal(["git"], web.Distro.Packages);
        Assert.Equal([8080], web.Ports.Select(p => p.Host));
        var db = project.Find("db")!;
        Assert.Equal(4, db.Cpus);
        Assert.Equal(1024, db.MemoryMiB);
        Assert.Equal("bookworm", db.Distro.Release);
        Assert.Equal(["postgresql"], db.Distro.Packages);
        Assert.Equal([5432], db.Ports.Select(p => p.Host));
        Assert.Null(project.Find("cache"));
    }

    [Fact]
    public void Machine_tables_may_use_nested_headers()
    {
        const string text = """
            [machines.web]
            cpus = 3

            [machines.web.provider]
            accel = "tcg"

            [[machines.web.synced_folders]]
            host = "site"
            guest = "/var/www"
            """;

        var web = Assert.Single(DisklessfileParser.Parse(text, Path).Machines);

        Assert.Equal("web", web.Name);
        Assert.Equal(3, web.Cpus);
        Assert.Equal(Accelerator.Tcg, web.Provider.Accel);
        Assert.Equal(new SourceLocation(Path, 4, 1), web.Provider.Location);
        Assert.Equal(
            new SyncedFolder("/srv/shop/site", "/var/www", false, null, null, new SourceLocation(Path, 8, 8)),
            Assert.Single(web.SyncedFolders));
    }

    [Fact]
    public void Dotted_keys_read_like_tables()
    {
        var machine = DisklessfileParser.Parse("distro.release = \"trixie\"\nprovider.accel = \"tcg\"\n", Path).Machines[0];

        Assert.Equal("trixie", machine.Distro.Release);
        Assert.Equal(Accelerator.Tcg, machine.Provider.Accel);
    }

    [Fact]
    public void A_multi_line_shell_provisioner_keeps_its_lines()
    {
        const string text = "[[provision]]\nshell = \"\"\"\nmkdir -p /srv/www\necho 'hi' > /srv/www/index.html\n\"\"\"\n";

        var shell = Assert.IsType<ShellProvisioner>(Assert.Single(DisklessfileParser.Parse(text, Path).Machines[0].Provisioners));

        Assert.Equal("mkdir -p /srv/www\necho 'hi' > /srv/www/index.html\n", shell.Inline);
        Assert.Equal(new SourceLocation(Path, 2, 9), shell.Location);
    }
}
