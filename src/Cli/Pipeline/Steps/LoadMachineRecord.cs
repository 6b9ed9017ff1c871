using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>Resolves the machine's plugins and loads its record, creating the record on the first up.</summary>
internal sealed class LoadMachineRecord : IStep<UpContext>
{
    public string Name => "load machine";

    public bool ShouldRun(UpContext context) => true;

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        context.Distro = context.Plugins.GetDistro(context.Spec.Distro.Name);
        context.Provider = context.Plugins.GetProvider(context.Spec.Provider.Name);
        DataDirectoryReach.RequireOutOfReach(context.Host.Paths, context.Spec);
        context.Project.EnsureMachineStateDirectory(context.Spec.Name);
        // Every up closes the data dir's folders to other users, also for machines an older version made open.
        DataDirectory.EnsureCreated(context.Host.Paths);
        // Before the provider sees it: a record is data, checked and its folders recomputed (the handler moved an
        // earlier version's state out of the project under the machine's lock already).
        var loaded = await MachineRecordStore.LoadAsync(context.StateDirectory, cancellationToken).ConfigureAwait(false);
        var existing = loaded is null
            ? null
            : RecordCheck.Normalize(loaded, context.Spec.Name, context.Project, () => context.Isolation.CurrentMap(context.Project.ProjectDirectory));
        if (existing is null && !context.Options.Fresh && context.Project.MovedFrom(context.Spec.Name) is [var origin, ..])
        {
            throw MovedProject.Refusal(context.Spec.Name, origin);
        }

        if (existing is { SetupComplete: true })
        {
            context.Record = existing;
            var status = await context.Provider.StatusAsync(context.Record.ToHandle(), context.Host, cancellationToken).ConfigureAwait(false);
            context.AlreadyRunning = status.State == MachineState.Running;
            return;
        }

        // A record that never completed setup is what a crashed first up left: start that machine afresh.
        var id = existing?.Id ?? MachineRecord.NewId();
        var transport = context.Spec.Share.Transport
            ?? await context.Provider.DefaultTransportAsync(context.Host, cancellationToken).ConfigureAwait(false);
        context.Record = new MachineRecord
        {
            Id = id,
            Name = context.Spec.Name,
            Provider = context.Provider.Name,
            Distro = context.Distro.Name,
            CreatedAt = DateTimeOffset.UtcNow,
            RootTransport = transport,
            IdMap = context.Isolation.ChooseMap(context.Provider, context.Project.ProjectDirectory),
            RootPath = Path.Combine(context.Host.Paths.MachinesDirectory, id, "root"),
            StateDirectory = context.StateDirectory,
            RuntimeDirectory = context.Project.RuntimeDirectory(id),
            ConsoleLogPath = Path.Combine(context.StateDirectory, "console.log"),
        };
        context.CreatedNow = true;
        await context.SaveRecordAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task RecoverAsync(UpContext context, CancellationToken cancellationToken)
    {
        if (context.CreatedNow && context.Record is { SetupComplete: false })
        {
            // Cleanup until setup completes: a first up that failed leaves no machine behind.
            MachineStateFolder.RemoveAllButLock(context.StateDirectory);

            var runtime = context.Project.RuntimeDirectory(context.Record.Id);
            if (Directory.Exists(runtime))
            {
                Directory.Delete(runtime, recursive: true);
            }
        }

        return Task.CompletedTask;
    }
}
