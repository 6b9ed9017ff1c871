using Diskless.Abstractions;
using Diskless.Cli.Provisioning;

namespace Diskless.Cli.Tests.Provisioning;

/// <summary>A provisioning file is opened where it is at upload time, not where it was when the Disklessfile was checked.</summary>
public sealed class ProvisioningSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("diskless-source-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_script_made_a_link_out_of_the_project_after_validation_is_refused_and_one_inside_is_read()
    {
        var project = Directory.CreateDirectory(Path.Combine(_root, "project")).FullName;
        var secret = Path.Combine(_root, "secret");
        await File.WriteAllTextAsync(secret, "host secret\n");
        var script = Path.Combine(project, "setup.sh");
        await File.WriteAllTextAsync(script, "echo hi\n");
        var provisioner = new ShellProvisioner(null, script, true, new Dictionary<string, string>(), new SourceLocation("Disklessfile", 7, 1));

        using (var inside = ProvisioningSource.Open(script, project, provisioner))
        {
            Assert.Equal("echo hi\n", await new StreamReader(inside).ReadToEndAsync());
        }

        // What a guest writing the synced project can do between validation and upload.
        File.Delete(script);
        File.CreateSymbolicLink(script, secret);

        var error = Assert.Throws<DisklessException>(() => ProvisioningSource.Open(script, project, provisioner));
        Assert.StartsWith("Disklessfile:7:1: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the project folder", error.Message, StringComparison.Ordinal);
        using var trusted = ProvisioningSource.Open(script, confinedTo: null, provisioner);
        Assert.Equal("host secret\n", await new StreamReader(trusted).ReadToEndAsync());
    }

    [Fact]
    public void A_fifo_is_not_read()
    {
        var fifo = Path.Combine(_root, "fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo!.WaitForExit();
        }

        var provisioner = new FileProvisioner(fifo, "/tmp/x", null);

        var error = Assert.Throws<DisklessException>(() => ProvisioningSource.Open(fifo, _root, provisioner));
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }
}
