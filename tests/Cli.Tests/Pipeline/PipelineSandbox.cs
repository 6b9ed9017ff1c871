using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>A project and a data dir in a temporary folder, with fake plugins, for lifecycle commands run in-process.</summary>
internal sealed class PipelineSandbox : IDisposable
{
    public PipelineSandbox(string projectFolderName = "project")
    {
        Root = Directory.CreateTempSubdirectory("diskless-lifecycle-").FullName;
        // Beside the project, not in it: a data dir inside a synced folder would be in the guest's reach.
        Paths = new HostPaths(Path.Combine(Root, projectFolderName + "-data"));
        Project = Directory.CreateDirectory(Path.Combine(Root, projectFolderName)).FullName;
    }

    /// <summary>A second project in <paramref name="root"/> sharing another sandbox's data dir <paramref name="paths"/>.</summary>
    public PipelineSandbox(string projectFolderName, HostPaths paths, string root)
    {
        Root = root;
        Paths = paths;
        Project = Directory.CreateDirectory(Path.Combine(Root, projectFolderName)).FullName;
    }

    public string Root { get; }

    public HostPaths Paths { get; }

    public string Project { get; }

    public FakeDistro Distro { get; } = new();

    public FakeProvider Provider { get; } = new();

    public RecordingProgress Progress { get; } = new();

    /// <summary>The program's clock: the system's unless a test fast-forwards a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Machine "dev"'s state folder, in the data dir.</summary>
    public string StateDirectory => State.MachineStateDirectory("dev");

    /// <summary>Where an earlier version kept machine "dev"'s state: in the project.</summary>
    public string LegacyStateDirectory => Path.Combine(Project, ".diskless", "machines", "dev");

    /// <summary>The project's state; its runtime folders go into the sandbox, not /run/diskless, so that no test leaves folders there.</summary>
    public ProjectState State => new(Project, Paths, name => name == "XDG_RUNTIME_DIR" ? Path.Combine(Root, "run") : null, isRoot: false);

    /// <summary>The program's services writing to <paramref name="output"/>; the sandbox's lifecycle services come from them.</summary>
    public DisklessServices Program(TextWriter? output = null) => new(output ?? TextWriter.Null, TextWriter.Null, Project) { Time = Time };

    public LifecycleServices Services(TextWriter? output = null) => Program(output).Lifecycle(
        new HostServices(Progress, new ScribanTemplates(), Paths),
        new FakeCatalog(Distro, Provider),
        new ProjectSpec(Path.Combine(Project, "Disklessfile"), Project, [Machine("dev")]),
        State);

    /// <summary>The lifecycle services of a project of <paramref name="machine"/> alone, on <paramref name="provider"/> (one that forwards while running, say).</summary>
    public LifecycleServices Services(IProvider provider, MachineSpec machine, TextWriter? output = null) => Program(output).Lifecycle(
        new HostServices(Progress, new ScribanTemplates(), Paths),
        new FakeCatalog(Distro, provider),
        new ProjectSpec(machine.DisklessfilePath, Project, [machine]),
        State);

    public MachineSpec Machine(string name) => new(
        name, Project, Path.Combine(Project, "Disklessfile"), 1, 512,
        new DistroSpec("fake", "one", null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
        new ProviderSpec("fakevm", Accelerator.Tcg, new Dictionary<string, SpecValue>(), null),
        new ShareSpec(null), [], [], [], TimeSpan.FromSeconds(20));

    /// <summary>Writes the record of a machine "dev" whose first up completed: its root exists in the data dir.</summary>
    public async Task<MachineRecord> CreatedMachineAsync(Func<MachineRecord, MachineRecord>? change = null)
    {
        var id = MachineRecord.NewId();
        var root = Path.Combine(Paths.MachinesDirectory, id, "root");
        Directory.CreateDirectory(Path.Combine(root, "boot"));
        await File.WriteAllTextAsync(Path.Combine(root, "boot", "vmlinuz"), "kernel");
        var kernel = Path.Combine(root, "boot", "vmlinuz");
        var record = new MachineRecord
        {
            Id = id,
            Name = "dev",
            Provider = "fakevm",
            Distro = "fake",
            CreatedAt = DateTimeOffset.UtcNow,
            SetupComplete = true,
            RootPath = root,
            RootTransport = ShareTransport.NineP,
            Artifacts = new BootArtifacts(kernel, kernel, "root=rootfs"),
            StateDirectory = StateDirectory,
            RuntimeDirectory = Services().State.RuntimeDirectory(id),
            ConsoleLogPath = Path.Combine(StateDirectory, "console.log"),
        };
        record = change?.Invoke(record) ?? record;
        State.EnsureMachineStateDirectory("dev");
        await MachineRecordStore.SaveAsync(StateDirectory, record, CancellationToken.None);
        return record;
    }

    /// <summary>
    /// A first up whose fake guest dies while booting: it fails (and removes the machine), but only after the provider
    /// was given its plan; returns that plan and the record as it was when the provider started.
    /// </summary>
    public async Task<(BootPlan Plan, MachineRecord Record)> FirstStartAsync(LifecycleServices services, FakeClock clock)
    {
        (BootPlan, MachineRecord)? started = null;
        Provider.RunningState = MachineState.Crashed;
        Provider.OnStart = plan => started = (plan, MachineRecordStore.LoadAsync(StateDirectory, CancellationToken.None).GetAwaiter().GetResult()!);

        await Assert.ThrowsAsync<DisklessException>(() => clock.FastForwardAsync(UpHandler.RunAsync(services with { Time = clock }, null, new Cli.Pipeline.UpOptions(), CancellationToken.None)));

        return started ?? throw new InvalidOperationException("the provider was never asked to start");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
