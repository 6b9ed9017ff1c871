using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Plugins;
using Diskless.Cli.Ssh;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline;

/// <summary>What up knows before its first step: the machine, the services, how it was asked to run.</summary>
/// <param name="Spec">The machine as the Disklessfile describes it.</param>
/// <param name="Host">The host's services.</param>
/// <param name="Plugins">The distros and providers.</param>
/// <param name="Project">The project's state folders.</param>
/// <param name="Options">How up was asked to run.</param>
/// <param name="Time">The clock the boot timeout runs on.</param>
/// <param name="Isolation">Decides a new machine's id map.</param>
/// <param name="Namespaces">Opens the machine's namespace.</param>
internal sealed record UpStart(
    MachineSpec Spec,
    IHostServices Host,
    IPluginCatalog Plugins,
    ProjectState Project,
    UpOptions Options,
    TimeProvider Time,
    MachineIsolation Isolation,
    IMachineNamespaces Namespaces);

/// <summary>
/// What the steps of up (and reload) read and produce, typed: no string-keyed bag. Made by
/// <see cref="Steps.LoadMachineRecord"/> with the machine's plugins and record, so every later step finds them there.
/// </summary>
/// <param name="start">What up knew before its first step.</param>
/// <param name="distro">The machine's distro plugin.</param>
/// <param name="provider">The machine's provider plugin.</param>
/// <param name="record">The machine's record, loaded or new.</param>
internal sealed class UpContext(UpStart start, IDistro distro, IProvider provider, MachineRecord record) : IAsyncDisposable
{
    public MachineSpec Spec => start.Spec;

    /// <summary>The host's services; once the machine's namespace is open, the ones that act through it.</summary>
    public IHostServices Host { get; set; } = start.Host;

    /// <summary>Decides a new machine's id map.</summary>
    public MachineIsolation Isolation => start.Isolation;

    /// <summary>Opens the machine's namespace.</summary>
    public IMachineNamespaces Namespaces => start.Namespaces;

    /// <summary>The machine's namespace while up works on it; disposed after the last step and any recovery.</summary>
    public MachineNamespace? Namespace { get; set; }

    public IPluginCatalog Plugins => start.Plugins;

    public ProjectState Project => start.Project;

    public UpOptions Options => start.Options;

    /// <summary>The clock the boot timeout runs on.</summary>
    public TimeProvider Time => start.Time;

    public IDistro Distro { get; } = distro;

    public IProvider Provider { get; } = provider;

    public string StateDirectory => Project.MachineStateDirectory(Spec.Name);

    /// <summary>The machine's record, as the steps have changed it so far.</summary>
    public MachineRecord Record { get; set; } = record;

    /// <summary>True when this run created the machine (its first up): a failure before setup completes removes it.</summary>
    public bool CreatedNow { get; init; }

    /// <summary>True when the machine was already running at the start: nothing to boot.</summary>
    public bool AlreadyRunning { get; init; }

    public string? BaseDirectory { get; set; }

    /// <summary>The base with its lock held shared, from <see cref="Steps.EnsureBase"/> to the end of <see cref="Steps.CloneRoot"/>.</summary>
    public BaseLease? Base { get; set; }

    public IReadOnlyList<Share> Shares { get; set; } = [];

    public RunningMachine? Running { get; set; }

    /// <summary>Set once SSH answered: from then on a failure (a provisioner) leaves the machine up for inspection.</summary>
    public bool SshReady { get; set; }

    /// <summary>The machine's root folder, as its record says (chosen once, when the record is created).</summary>
    public string RootDirectory => Record.RootPath;

    /// <summary>The machine's own folder in the data dir, which holds the root and nothing of another machine.</summary>
    public string MachineDataDirectory => Path.GetDirectoryName(RootDirectory)!;

    /// <summary>The machine's SSH keys, which <see cref="Steps.EnsureSshKeys"/> made (or found) in its state folder.</summary>
    public Task<MachineKeySet> KeysAsync(CancellationToken cancellationToken) => MachineKeys.LoadAsync(StateDirectory, cancellationToken);

    /// <summary>Lets go of the base's lock, if held; the runner calls it whatever happened, a step when done with the base.</summary>
    public async Task ReleaseBaseAsync()
    {
        if (Base is { } held)
        {
            Base = null;
            await held.DisposeAsync().ConfigureAwait(false);
        }
    }

    public Task SaveRecordAsync(CancellationToken cancellationToken) =>
        MachineRecordStore.SaveAsync(StateDirectory, Record, cancellationToken);

    /// <summary>
    /// Lets go of the base and closes the namespace: after the recovery, which removes a failed first up's root
    /// through the namespace.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await ReleaseBaseAsync().ConfigureAwait(false);
        if (Namespace is { } open)
        {
            Namespace = null;
            await open.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>How up was asked to run.</summary>
/// <param name="Provision">Run provisioners even though they ran before (<c>--provision</c>).</param>
/// <param name="Reconfigure">Configure the root again before booting (reload: Disklessfile changes take effect).</param>
/// <param name="Fresh">Make a new machine even where one of a project that moved away could be adopted (<c>--fresh</c>).</param>
/// <param name="UploadsConfinedTo">The folder provisioning uploads must lie in; null when the user trusted the file's reach.</param>
internal sealed record UpOptions(bool Provision = false, bool Reconfigure = false, bool Fresh = false, string? UploadsConfinedTo = null);
