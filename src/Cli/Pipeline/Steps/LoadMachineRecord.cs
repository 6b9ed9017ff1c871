using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>
/// Resolves the machine's plugins and loads its record, creating the record on the first up: the context every
/// later step works on.
/// </summary>
internal sealed class LoadMachineRecord : IOpeningStep<UpStart, UpContext>
{
    public string Name => "load machine";

    public async Task<UpContext> RunAsync(UpStart start, CancellationToken cancellationToken)
    {
        var distro = start.Plugins.GetDistro(start.Spec.Distro.Name);
        var provider = start.Plugins.GetProvider(start.Spec.Provider.Name);
        DataDirectoryReach.RequireOutOfReach(start.Host.Paths, start.Spec);
        start.Project.EnsureMachineStateDirectory(start.Spec.Name);
        // Every up closes the data dir's folders to other users, also for machines an older version made open.
        DataDirectory.EnsureCreated(start.Host.Paths);
        var stateDirectory = start.Project.MachineStateDirectory(start.Spec.Name);
        // Before the provider sees it: a record is data, checked and its folders recomputed (the handler moved an
        // earlier version's state out of the project under the machine's lock already).
        var loaded = await MachineRecordStore.LoadAsync(stateDirectory, cancellationToken).ConfigureAwait(false);
        var existing = loaded is null
            ? null
            : RecordCheck.Normalize(loaded, start.Spec.Name, start.Project, () => start.Isolation.CurrentMap(start.Project.ProjectDirectory));
        if (existing is null && !start.Options.Fresh && start.Project.MovedFrom(start.Spec.Name) is [var origin, ..])
        {
            throw MovedProject.Refusal(start.Spec.Name, origin);
        }

        if (existing is { SetupComplete: true })
        {
            var status = await provider.StatusAsync(existing.ToHandle(), start.Host, cancellationToken).ConfigureAwait(false);
            return new UpContext(start, distro, provider, existing) { AlreadyRunning = status.State == MachineState.Running };
        }

        // A record that never completed setup is what a crashed first up left: start that machine afresh.
        var id = existing?.Id ?? MachineRecord.NewId();
        var transport = start.Spec.Share.Transport
            ?? await provider.DefaultTransportAsync(start.Host, cancellationToken).ConfigureAwait(false);
        var record = new MachineRecord
        {
            Id = id,
            Name = start.Spec.Name,
            Provider = provider.Name,
            Distro = distro.Name,
            CreatedAt = DateTimeOffset.UtcNow,
            RootTransport = transport,
            IdMap = start.Isolation.ChooseMap(provider, start.Project.ProjectDirectory),
            RootPath = Path.Combine(start.Host.Paths.MachinesDirectory, id, "root"),
            StateDirectory = stateDirectory,
            RuntimeDirectory = start.Project.RuntimeDirectory(id),
            ConsoleLogPath = Path.Combine(stateDirectory, "console.log"),
        };
        var context = new UpContext(start, distro, provider, record) { CreatedNow = true };
        try
        {
            await context.SaveRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // No later step will recover this one: what the failed save left goes now.
            Forget(context);
            throw;
        }

        return context;
    }

    public Task RecoverAsync(UpContext context, CancellationToken cancellationToken)
    {
        if (context.CreatedNow && context.Record is { SetupComplete: false })
        {
            Forget(context);
        }

        return Task.CompletedTask;
    }

    /// <summary>Cleanup until setup completes: a first up that failed leaves no machine behind.</summary>
    private static void Forget(UpContext context)
    {
        MachineStateFolder.RemoveAllButLock(context.StateDirectory);

        var runtime = context.Project.RuntimeDirectory(context.Record.Id);
        if (Directory.Exists(runtime))
        {
            Directory.Delete(runtime, recursive: true);
        }
    }
}
