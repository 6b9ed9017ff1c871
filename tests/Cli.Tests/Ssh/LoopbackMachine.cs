using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;
using Diskless.Cli.Templates;
using Diskless.Cli.Tests.Pipeline;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

/// <summary>
/// A project whose one machine, "loop", is running as far as diskless can tell, and whose SSH port and keys are the
/// loopback sshd's: the lifecycle commands that log in reach a real sshd.
/// </summary>
internal static class LoopbackMachine
{
    public static async Task<LifecycleServices> ServicesAsync(string projectDirectory, LoopbackSshd sshd, TextWriter output, CancellationToken cancellationToken)
    {
        var disklessfile = Path.Combine(projectDirectory, "Disklessfile");
        var machine = new MachineSpec(
            "loop", projectDirectory, disklessfile, 1, 512,
            new DistroSpec("fake", "one", null, [], Environment.UserName, "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
            new ProviderSpec("fakevm", Accelerator.Tcg, new Dictionary<string, SpecValue>(), null),
            new ShareSpec(null), [], [], [], TimeSpan.FromMinutes(1));
        var services = new DisklessServices(output, TextWriter.Null, projectDirectory).Lifecycle(
            new HostServices(new RecordingProgress(), new ScribanTemplates(), new HostPaths(Path.Combine(projectDirectory, "data"))),
            new FakeCatalog(new FakeDistro(), new FakeProvider { Running = true }),
            new ProjectSpec(disklessfile, projectDirectory, [machine]));
        var record = new MachineRecord
        {
            Id = MachineRecord.NewId(),
            Name = machine.Name,
            Provider = "fakevm",
            Distro = "fake",
            CreatedAt = DateTimeOffset.Now,
            SetupComplete = true,
            RootPath = Path.Combine(projectDirectory, "root"),
            SshPort = sshd.Endpoint.Port,
            StateDirectory = sshd.StateDir,
            RuntimeDirectory = Path.Combine(projectDirectory, "run"),
            ConsoleLogPath = Path.Combine(projectDirectory, "console.log"),
        };
        // The project's state folder for the machine is the sshd's (a link to it): a record naming another project's
        // folder would be refused as copied.
        var own = services.State.MachineStateDirectory(machine.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(own)!);
        File.CreateSymbolicLink(own, sshd.StateDir);
        await MachineRecordStore.SaveAsync(services.State.EnsureMachineStateDirectory(machine.Name), record, cancellationToken);
        return services;
    }
}
