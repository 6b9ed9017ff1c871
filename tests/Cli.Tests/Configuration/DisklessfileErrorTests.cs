using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class DisklessfileErrorTests
{
    private static ConfigurationException Fail(string text, string path = "Disklessfile") =>
        Assert.Throws<ConfigurationException>(() => DisklessfileParser.Parse(text, path));

    private static string Only(string text) => Assert.Single(Fail(text).Issues).ToString();

    [Fact]
    public void A_mistyped_key_is_named_at_its_position_with_a_suggestion()
    {
        Assert.Equal(
            "Disklessfile:3:1: unknown key 'pakages' in [distro] (did you mean 'packages'?)",
            Only("[distro]\nrelease = \"bookworm\"\npakages = [\"git\"]\n"));
    }

    [Fact]
    public void A_mistyped_top_level_key_is_suggested_too()
    {
        Assert.Equal("Disklessfile:2:3: unknown key 'cpu' (did you mean 'cpus'?)", Only("name = \"dev\"\n  cpu = 2\n"));
    }

    [Fact]
    public void An_unknown_key_far_from_every_known_key_has_no_suggestion()
    {
        Assert.Equal("Disklessfile:2:1: unknown key 'colour' in [[ports]]", Only("[[ports]]\ncolour = \"red\"\nhost = 1\nguest = 2\n"));
    }

    [Fact]
    public void A_wrong_type_says_what_was_expected_and_what_was_found_at_the_value()
    {
        Assert.Equal("Disklessfile:1:8: expected an integer for 'cpus', found a string \"two\"", Only("cpus = \"two\"\n"));
    }

    [Fact]
    public void A_wrong_type_in_a_table_names_the_table()
    {
        Assert.Equal(
            "Disklessfile:2:11: expected a string for 'release' in [distro], found an integer 12",
            Only("[distro]\nrelease = 12\n"));
    }

    [Fact]
    public void A_wrong_item_in_an_array_is_named_at_the_item()
    {
        Assert.Equal(
            "Disklessfile:2:20: expected a string in 'packages' in [distro], found an integer 3",
            Only("[distro]\npackages = [\"git\", 3]\n"));
    }

    [Fact]
    public void An_unknown_memory_unit_lists_the_accepted_units()
    {
        Assert.Equal(
            "Disklessfile:1:10: unknown unit 'gigs' in memory size \"2 gigs\" for 'memory' "
            + "(use KiB, MiB, GiB, TiB (also K, M, G, T), KB, MB, GB, TB, or a plain number of MiB)",
            Only("memory = \"2 gigs\"\n"));
    }

    [Fact]
    public void A_wrong_size_names_its_place_and_the_accepted_units()
    {
        Assert.Equal(
            "Disklessfile:1:8: unknown unit 'XB' in size \"12XB\" for 'size' "
            + "(use KiB, MiB, GiB, TiB (also K, M, G, T), KB, MB, GB, TB, or a plain number of MiB)",
            Only("size = \"12XB\"\n"));
        Assert.StartsWith("Disklessfile:1:8: 'size' must be at least 1GiB, found 100MiB (", Only("size = \"100M\"\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_below_the_minimum_is_refused()
    {
        Assert.StartsWith("Disklessfile:1:10: 'memory' must be at least 128MiB, found 64MiB (", Only("memory = \"64M\"\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_boot_timeout_too_long_for_any_clock_is_refused_not_thrown_on()
    {
        Assert.StartsWith("Disklessfile:1:16: expected a duration for 'boot_timeout'", Only("boot_timeout = 99999999999999999\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_TOML_syntax_error_is_reported_at_its_position()
    {
        var issue = Assert.Single(Fail("name = \"dev\"\ncpus = \n").Issues);

        Assert.Equal(new SourceLocation("Disklessfile", 2, 8), issue.Location);
        Assert.Equal("Disklessfile:2:8: Unexpected token end-of-line found while expecting a value", issue.ToString());
    }

    [Fact]
    public void A_key_written_twice_is_a_TOML_error()
    {
        var issue = Assert.Single(Fail("cpus = 1\ncpus = 2\n").Issues);

        Assert.Equal(new SourceLocation("Disklessfile", 2, 1), issue.Location);
        Assert.StartsWith("The key `cpus` is already defined", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_guest_path_is_refused_with_the_absolute_form_as_hint()
    {
        Assert.Equal(
            "Disklessfile:3:9: guest path 'project' for 'guest' in [[synced_folders]] must be absolute (write '/project')",
            Only("[[synced_folders]]\nhost = \".\"\nguest = \"project\"\n"));
    }

    [Theory]
    [InlineData("passthrough")]
    [InlineData("none")]
    public void A_writable_synced_folder_whose_9p_model_passes_the_guests_modes_to_the_host_is_refused_at_the_model(string model)
    {
        Assert.Equal(
            $"Disklessfile:5:18: security_model = \"{model}\" in [[synced_folders]] lets the guest leave setuid and setgid files in a writable host folder, which other host users who reach it could run "
            + "(remove security_model (9p then keeps the guest's modes in xattrs: mapped-xattr), or set read_only = true, or transport = \"virtiofs\")",
            Only($"[[synced_folders]]\nhost = \".\"\nguest = \"/project\"\ntransport = \"9p\"\nsecurity_model = \"{model}\"\n"));
    }

    [Fact]
    public void A_read_only_or_mapped_9p_synced_folder_is_accepted()
    {
        var folders = DisklessfileParser.Parse(
            "[[synced_folders]]\nhost = \".\"\nguest = \"/a\"\nread_only = true\nsecurity_model = \"passthrough\"\n\n"
            + "[[synced_folders]]\nhost = \".\"\nguest = \"/b\"\nsecurity_model = \"mapped-xattr\"\n",
            "Disklessfile").Machines[0].SyncedFolders;

        Assert.Equal(["passthrough", "mapped-xattr"], folders.Select(f => f.NinePSecurityModel));
    }

    [Fact]
    public void Watch_is_on_for_a_writable_folder_off_for_a_read_only_one_and_watch_false_turns_it_off()
    {
        var folders = DisklessfileParser.Parse(
            "[[synced_folders]]\nhost = \".\"\nguest = \"/a\"\n\n"
            + "[[synced_folders]]\nhost = \".\"\nguest = \"/b\"\nwatch = false\n\n"
            + "[[synced_folders]]\nhost = \".\"\nguest = \"/c\"\nread_only = true\n",
            "Disklessfile").Machines[0].SyncedFolders;

        Assert.Equal([true, false, false], folders.Select(f => f.Watch));
    }

    [Fact]
    public void Watch_on_a_read_only_folder_is_refused_at_the_key()
    {
        Assert.Equal(
            "Disklessfile:5:9: 'watch = true' in [[synced_folders]] needs a writable folder, but this one is read_only (remove watch, or read_only)",
            Only("[[synced_folders]]\nhost = \".\"\nguest = \"/project\"\nread_only = true\nwatch = true\n"));
    }

    [Fact]
    public void Watch_that_is_not_a_boolean_is_refused_at_the_value()
    {
        Assert.StartsWith("Disklessfile:4:9: ", Only("[[synced_folders]]\nhost = \".\"\nguest = \"/project\"\nwatch = \"no\"\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_synced_folders_at_one_guest_path_are_refused()
    {
        Assert.Equal(
            "Disklessfile:7:9: guest path '/project' is already used by the synced folder at Disklessfile:3:9 (mount each folder at its own guest path)",
            Only("[[synced_folders]]\nhost = \".\"\nguest = \"/project\"\n\n[[synced_folders]]\nhost = \"other\"\nguest = \"/project/\"\n"));
    }

    [Fact]
    public void A_port_out_of_range_is_refused()
    {
        Assert.Equal(
            "Disklessfile:2:8: port 70000 for 'host' in [[ports]] is out of range (ports are 1 to 65535)",
            Only("[[ports]]\nhost = 70000\nguest = 80\n"));
    }

    [Fact]
    public void A_port_without_guest_is_refused_at_its_header()
    {
        Assert.Equal("Disklessfile:1:1: missing 'guest' in [[ports]] (add guest = <port number>)", Only("[[ports]]\nhost = 8080\n"));
    }

    [Fact]
    public void An_invalid_machine_name_says_what_a_hostname_is()
    {
        Assert.Equal(
            "Disklessfile:1:8: 'my_box' is not a valid machine name (use lowercase letters, digits and hyphens, at most 63 characters, not starting or ending with a hyphen, e.g. 'my-box')",
            Only("name = \"my_box\"\n"));
    }

    [Fact]
    public void An_invalid_choice_suggests_the_closest_one()
    {
        Assert.Equal(
            "Disklessfile:2:9: 'kvn' is not a valid 'accel' in [provider]; expected one of: auto, kvm, tcg (did you mean 'kvm'?)",
            Only("[provider]\naccel = \"kvn\"\n"));
    }

    [Fact]
    public void An_invalid_user_name_is_refused()
    {
        Assert.Equal(
            "Disklessfile:2:8: 'Ada Lovelace' is not a valid 'user' in [distro] "
            + "(start with a lowercase letter or underscore, then lowercase letters, digits, '_' or '-', at most 32 characters)",
            Only("[distro]\nuser = \"Ada Lovelace\"\n"));
    }

    [Fact]
    public void A_user_name_with_a_trailing_newline_is_refused()
    {
        Assert.StartsWith("Disklessfile:2:8: 'dev\n' is not a valid 'user' in [distro]", Only("[distro]\nuser = \"dev\\n\"\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_machine_name_with_a_trailing_newline_is_refused()
    {
        Assert.StartsWith("Disklessfile:1:8: 'dev\n' is not a valid machine name", Only("name = \"dev\\n\"\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_name_with_a_trailing_newline_is_refused()
    {
        Assert.Contains("APP\n", Only("[[provision]]\nshell = \"true\"\nenv = { \"APP\\n\" = \"1\" }\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_provision_entry_needs_exactly_one_kind()
    {
        var issues = Fail("[[provision]]\nprivileged = true\n\n[[provision]]\nshell = \"true\"\nscript = \"a.sh\"\n").Issues;

        Assert.Equal(
            [
                "Disklessfile:1:1: an entry in [[provision]] needs one of 'shell', 'script' or 'file' (e.g. shell = \"apt-get install -y git\")",
                "Disklessfile:6:1: 'script' cannot be combined with 'shell' in one entry in [[provision]] (write a separate [[provision]] entry for each)",
            ],
            issues.Select(i => i.ToString()));
    }

    [Fact]
    public void A_file_provisioner_needs_source_and_destination()
    {
        Assert.Equal(
            "Disklessfile:2:8: missing 'destination' in 'file' in [[provision]] (write file = { source = \"config/app.conf\", destination = \"/etc/app.conf\" })",
            Only("[[provision]]\nfile = { source = \"a.conf\" }\n"));
    }

    [Fact]
    public void Hosts_ports_forwarded_by_two_machines_are_refused()
    {
        const string text = """
            [[ports]]
            host = 8080
            guest = 80

            [machines.web]
            [machines.api]
            """;

        Assert.Equal(
            "Disklessfile:2:8: host port 8080/tcp is forwarded by both machine 'web' and machine 'api' (give each machine its own host port, e.g. in [[machines.api.ports]])",
            Only(text));
    }

    [Fact]
    public void A_name_inside_a_machine_table_is_explained()
    {
        Assert.Equal(
            "Disklessfile:2:1: unknown key 'name' in [machines.web] (a machine's name is its table's name, e.g. [machines.web])",
            Only("[machines.web]\nname = \"www\"\n"));
    }

    [Fact]
    public void An_error_in_inherited_defaults_is_reported_once_at_its_place()
    {
        var issues = Fail("cpus = \"many\"\n[machines.a]\n[machines.b]\n").Issues;

        Assert.Equal("Disklessfile:1:8: expected an integer for 'cpus', found a string \"many\"", Assert.Single(issues).ToString());
    }

    [Fact]
    public void Every_problem_is_reported_together_in_file_order_one_per_line()
    {
        const string text = """
            cpus = 0
            memory = "lots"

            [distro]
            pakages = ["git"]

            [[synced_folders]]
            host = "."
            guest = "project"

            [[ports]]
            host = 0
            guest = 80
            """;

        var error = Fail(text);

        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
        Assert.Equal(
            """
            Disklessfile:1:8: 'cpus' must be between 1 and 1024, found 0
            Disklessfile:2:10: expected a memory size such as "2GiB" for 'memory', found a string "lots" (use KiB, MiB, GiB, TiB (also K, M, G, T), KB, MB, GB, TB, or a plain number of MiB)
            Disklessfile:5:1: unknown key 'pakages' in [distro] (did you mean 'packages'?)
            Disklessfile:9:9: guest path 'project' for 'guest' in [[synced_folders]] must be absolute (write '/project')
            Disklessfile:12:8: port 0 for 'host' in [[ports]] is out of range (ports are 1 to 65535)
            """,
            error.Message);
        Assert.Equal(5, error.Issues.Count);
    }

    [Fact]
    public void Keys_of_an_inline_table_in_an_array_element_name_both()
    {
        var issues = Fail("[[provision]]\nfile = { sorce = \"a\", destination = \"etc\" }\n").Issues;

        Assert.Equal(
            [
                "Disklessfile:2:8: missing 'source' in 'file' in [[provision]] (write file = { source = \"config/app.conf\", destination = \"/etc/app.conf\" })",
                "Disklessfile:2:10: unknown key 'sorce' in 'file' in [[provision]] (did you mean 'source'?)",
                "Disklessfile:2:37: guest path 'etc' for 'destination' in 'file' in [[provision]] must be absolute (write '/etc')",
            ],
            issues.Select(i => i.ToString()));
    }

    [Fact]
    public void A_misspelt_provisioner_kind_is_reported_once_with_its_suggestion()
    {
        Assert.Equal("Disklessfile:1:16: unknown key 'shel' in [[provision]] (did you mean 'shell'?)", Only("provision = [{ shel = \"x\" }]\n"));
    }

    [Fact]
    public void Errors_in_two_machines_name_each_machine_table()
    {
        Assert.Equal(
            [
                "Disklessfile:2:8: expected an integer for 'cpus' in [machines.a], found a string \"x\"",
                "Disklessfile:4:8: expected an integer for 'cpus' in [machines.b], found a string \"y\"",
            ],
            Fail("[machines.a]\ncpus = \"x\"\n[machines.b]\ncpus = \"y\"\n").Issues.Select(i => i.ToString()));
    }

    [Fact]
    public void Top_level_name_and_machine_tables_do_not_mix()
    {
        Assert.Equal(
            "Disklessfile:1:1: 'name' cannot be used with [machines.*] (each machine is named by its table, e.g. [machines.web])",
            Only("name = \"x\"\n[machines.a]\n"));
    }

    [Fact]
    public void An_invalid_machine_table_name_suggests_a_hostname()
    {
        Assert.Equal(
            "Disklessfile:1:11: 'Web_1' is not a valid machine name (use lowercase letters, digits and hyphens, at most 63 characters, not starting or ending with a hyphen, e.g. 'web-1')",
            Only("[machines.Web_1]\n"));
    }

    [Fact]
    public void A_plugin_setting_close_to_a_host_key_is_taken_for_a_typo()
    {
        Assert.Equal("Disklessfile:3:1: unknown key 'mirrors' in [distro] (did you mean 'mirror'?)", Only("[distro]\nvariant = \"minbase\"\nmirrors = \"x\"\n"));
    }
}
