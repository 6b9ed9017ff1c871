using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.Configuration;
using Diskless.Cli.Plugins;
using Diskless.Cli.Tests.Commands;
using Diskless.Cli.Tests.Plugins;
using Diskless.Cli.Trust;

namespace Diskless.Cli.Tests.Trust;

/// <summary>
/// Disklessfiles from a repository someone else wrote, one per way of reaching past the project: each is valid, its
/// reach is listed by validate, and up refuses it before any work with file:line and the command that grants it;
/// once trusted, that file at that path with that content passes, and an edit or a copy elsewhere does not.
/// </summary>
public sealed class HostileDisklessfileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("diskless-hostile-").FullName;
    private readonly string _project;
    private readonly string _outside;
    private readonly TrustStore _trust;

    public HostileDisklessfileTests()
    {
        _project = Directory.CreateDirectory(Path.Combine(_root, "repo")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret"), "a host file\n");
        File.WriteAllText(Path.Combine(_project, "setup.sh"), "echo hi\n");
        _trust = new TrustStore(Path.Combine(_root, "config"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string, int, string> Hostile => new()
    {
        { "an absolute synced folder", "[[synced_folders]]\nhost = \"HOME\"\nguest = \"/home\"", 2, "synced folder" },
        { "a synced folder up the tree", "[[synced_folders]]\nhost = \"..\"\nguest = \"/up\"", 2, "outside the project folder" },
        { "a synced folder through a link", "[[synced_folders]]\nhost = \"innocent\"\nguest = \"/data\"", 2, "(really HOME)" },
        { "a script outside", "[[provision]]\nscript = \"HOME/secret\"", 2, "provisioning script" },
        { "a file source through a link", "[[provision]]\nfile.source = \"notes.txt\"\nfile.destination = \"/tmp/notes\"", 2, "(really HOME/secret)" },
        { "a QEMU binary", "[provider]\nname = \"qemu\"\nbinary = \"/bin/sh\"", 3, "binary runs the host program /bin/sh" },
        { "a virtiofsd binary", "[provider]\nname = \"qemu\"\nvirtiofsd = \"/usr/bin/id\"", 3, "virtiofsd runs the host program /usr/bin/id" },
        { "extra QEMU arguments", "[provider]\nname = \"qemu\"\nextra_args = [\"-monitor\", \"tcp:0.0.0.0:4444,server,nowait\"]", 3, "extra_args" },
        { "a port open to the network", "[[ports]]\nhost = 8080\nguest = 80\nhost_ip = \"0.0.0.0\"", 2, "to the network" },
        { "a privileged host port", "[[ports]]\nhost = 22\nguest = 22", 2, "privileged port" },
        { "a mirror in a host folder", "[distro]\nname = \"debian\"\nmirror = \"file://HOME\"", 2, "builds the base from the host folder HOME" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Up_refuses_each_reach_past_the_project_before_any_work_with_its_line_and_validate_lists_it(string what, string toml, int line, string expected)
    {
        _ = what;
        await WriteAsync(toml);

        var up = await CliRun.RunAsync(["up"], _project, trust: _trust);
        var validate = await CliRun.RunAsync(["validate"], _project, trust: _trust);

        Assert.Equal(ExitCodes.InvalidConfiguration, up.ExitCode);
        Assert.Contains($"Disklessfile:{line}:", up.Err, StringComparison.Ordinal);
        Assert.Contains(Expand(expected), up.Err, StringComparison.Ordinal);
        Assert.Contains("diskless trust", up.Err, StringComparison.Ordinal);
        Assert.Contains("Nothing was built or started", up.Err, StringComparison.Ordinal);
        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("request: ", validate.Out, StringComparison.Ordinal);
        Assert.Contains("not trusted", validate.Out, StringComparison.Ordinal);
        Assert.Equal("a host file\n", await File.ReadAllTextAsync(Path.Combine(_outside, "secret")));
    }

    [Fact]
    public async Task Trust_grants_this_file_as_it_is_an_edit_asks_again_and_a_copy_elsewhere_is_not_trusted()
    {
        await WriteAsync("[provider]\nname = \"qemu\"\nextra_args = [\"-device\", \"virtio-balloon-pci\"]");

        var trust = await CliRun.RunAsync(["trust"], _project, trust: _trust);
        var validate = await CliRun.RunAsync(["validate", "--json"], _project, trust: _trust);

        Assert.Equal(0, trust.ExitCode);
        Assert.Contains("extra_args", trust.Err, StringComparison.Ordinal);
        Assert.Contains("\"trusted\": true", validate.Out, StringComparison.Ordinal);
        Assert.True(TrustGate.IsGranted(await LoadAsync(_project), _trust));

        var copy = Directory.CreateDirectory(Path.Combine(_root, "copy")).FullName;
        File.Copy(Path.Combine(_project, "Disklessfile"), Path.Combine(copy, "Disklessfile"));
        Assert.False(TrustGate.IsGranted(await LoadAsync(copy), _trust));

        await File.AppendAllTextAsync(Path.Combine(_project, "Disklessfile"), "\n# an innocent-looking edit\n");
        var up = await CliRun.RunAsync(["up"], _project, trust: _trust);
        Assert.Equal(ExitCodes.InvalidConfiguration, up.ExitCode);
        Assert.Contains("since it changed", up.Err, StringComparison.Ordinal);

        var list = await CliRun.RunAsync(["trust", "--list"], _project, trust: _trust);
        Assert.Contains("changed since: not trusted", list.Out, StringComparison.Ordinal);
        var revoke = await CliRun.RunAsync(["trust", "--revoke"], _project, trust: _trust);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Empty(_trust.List());
    }

    [Fact]
    public async Task A_file_that_stays_inside_its_project_needs_no_trust()
    {
        // "~user" and "%2e%2e" are no home and no parent: only "~" and "~/" are expanded, and nothing is URL-decoded.
        await WriteAsync("[[synced_folders]]\nhost = \".\"\nguest = \"/project\"\n\n[[synced_folders]]\nhost = \"~user\"\nguest = \"/tilde\"\n\n[[synced_folders]]\nhost = \"%2e%2e\"\nguest = \"/encoded\"\n\n[[provision]]\nscript = \"setup.sh\"\n\n[[ports]]\nhost = 8080\nguest = 80");
        Directory.CreateDirectory(Path.Combine(_project, "~user"));
        Directory.CreateDirectory(Path.Combine(_project, "%2e%2e"));

        var project = await LoadAsync(_project);
        var trust = await CliRun.RunAsync(["trust"], _project, trust: _trust);

        Assert.Empty(project.Requests);
        Assert.True(TrustGate.IsGranted(project, _trust));
        Assert.Contains("nothing to trust", trust.Err, StringComparison.Ordinal);
        Assert.Empty(_trust.List());
    }

    [Fact]
    public async Task Memory_above_the_hosts_and_cpus_above_its_cores_are_errors_with_both_figures()
    {
        await WriteAsync("cpus = 64\nmemory = \"64GiB\"");
        var project = await LoadAsync(_project, validate: false);

        var issues = new HostCapacity(TotalMemoryMiB: 24_000, Cores: 2).Check(project.Machines[0]).ToList();

        Assert.Equal(2, issues.Count);
        Assert.Contains(issues, i => i.Message.Contains("65536 MiB", StringComparison.Ordinal) && i.Message.Contains("24000 MiB", StringComparison.Ordinal) && i.Location!.Line == 2);
        Assert.Contains(issues, i => i.Message.Contains("64 CPUs", StringComparison.Ordinal) && i.Message.Contains("this host's 2", StringComparison.Ordinal) && i.Location!.Line == 1);
        Assert.All(issues, i => Assert.False(i.IsRequest));
        Assert.Empty(new HostCapacity(TotalMemoryMiB: 100_000, Cores: 64).Check(project.Machines[0]));
    }

    [Fact]
    public async Task Up_refuses_a_machine_bigger_than_the_host_at_its_line()
    {
        await WriteAsync("cpus = 4096\n");

        var up = await CliRun.RunAsync(["up"], _project, trust: _trust);

        Assert.Equal(ExitCodes.InvalidConfiguration, up.ExitCode);
        Assert.Contains("Disklessfile:1:", up.Err, StringComparison.Ordinal);
    }

    private async Task WriteAsync(string toml)
    {
        File.CreateSymbolicLink(Path.Combine(_project, "innocent"), _outside);
        File.CreateSymbolicLink(Path.Combine(_project, "notes.txt"), Path.Combine(_outside, "secret"));
        await File.WriteAllTextAsync(Path.Combine(_project, "Disklessfile"), Expand(toml) + "\n");
    }

    private string Expand(string text) => text.Replace("HOME", _outside, StringComparison.Ordinal);

    private static async Task<ProjectSpec> LoadAsync(string project, bool validate = true)
    {
        var catalog = new PluginHost([BuildOutput.PluginsDirectory]);
        return validate
            ? await ProjectLoader.LoadAsync(null, project, catalog, CancellationToken.None)
            : await ProjectLoader.ReadAsync(null, project, CancellationToken.None);
    }
}
