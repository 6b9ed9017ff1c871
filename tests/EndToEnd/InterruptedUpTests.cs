using System.Diagnostics;
using System.Text.Json;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>Ctrl-C in the middle of a first up: the clean-up runs, and nothing of the machine remains.</summary>
public sealed class InterruptedUpTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("diskless-e2e-ctrlc-").FullName;

    public void Dispose()
    {
        // A failed run (an interrupt that was not heeded) would leave the machine it brought up: destroyed here.
        if (Directory.Exists(StateFolders.Machine(_project, "ctrlc")))
        {
            DisklessProcess.RunAsync(_project, TimeSpan.FromMinutes(3), "destroy", "--force").GetAwaiter().GetResult();
        }

        Directory.Delete(_project, recursive: true);
    }

    [RequiresFact("qemu-system-x86_64", "mmdebstrap", "ssh", Root = true)]
    public async Task Ctrl_c_while_the_guest_boots_leaves_no_process_no_mount_and_no_machine()
    {
        await File.WriteAllTextAsync(Path.Combine(_project, "Disklessfile"), """
            name = "ctrlc"
            memory = "1GiB"
            [share]
            transport = "virtiofs"
            """);
        // SIGINT at its default for diskless, as a terminal gives it: a test run in the background inherits it ignored.
        var start = new ProcessStartInfo("env", ["--default-signal=INT", DisklessProcess.Program, "up"])
        {
            WorkingDirectory = _project,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["DISKLESS_HOME"] = DisklessProcess.DataDirectory;
        using var up = Process.Start(start)!;
        var stdout = up.StandardOutput.ReadToEndAsync();
        var stderr = new List<string>();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20));

        // Wait until QEMU runs and diskless waits for SSH: the moment a user is most likely to give up.
        string? line;
        while ((line = await up.StandardError.ReadLineAsync(limit.Token)) is not null && !line.Contains("waiting for SSH", StringComparison.Ordinal))
        {
            stderr.Add(line);
        }

        Assert.True(line is not null, "up ended before the guest booted:\n" + string.Join('\n', stderr));
        var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(StateFolders.Machine(_project, "ctrlc"), "machine.json"))).RootElement;
        var id = record.GetProperty("id").GetString()!;
        Assert.Contains(LeftOverProcesses.Mentioning(id), c => c.Contains("qemu-system", StringComparison.Ordinal));

        using (var kill = Process.Start("kill", ["-INT", up.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(limit.Token);
        }

        var rest = await up.StandardError.ReadToEndAsync(limit.Token);
        await up.WaitForExitAsync(limit.Token);
        output.WriteLine(string.Join('\n', stderr) + "\n" + rest + await stdout);

        Assert.Equal(130, up.ExitCode);
        Assert.Empty(LeftOverProcesses.Mentioning(id));
        Assert.False(Directory.Exists(StateFolders.Machine(_project, "ctrlc")));
        Assert.False(Directory.Exists(Path.Combine(_project, ".diskless")), "up wrote into the project");
        Assert.False(Directory.Exists(Path.Combine(DisklessProcess.DataDirectory, "machines", id)));
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(id, StringComparison.Ordinal));
    }
}
