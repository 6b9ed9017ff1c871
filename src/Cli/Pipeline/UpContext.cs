using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Plugins;
using Diskless.Cli.Ssh;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline;

/// <summary>What the steps of up (and reload) read and produce, typed: no string-keyed bag.</summary>
internal sealed class UpContext(MachineSpec spec, IHostServices host, IPluginCatalog plugins, ProjectState project, UpOptions options)
{
    public MachineSpec Spec { get; } = spec;

    /// <summary>The host's services; once the machine's namespace is open, the ones that act through it.</summary>
    public IHostServices Host { get; set; } = host;

    /// <summary>Decides a new machine's id map.</summary>
    public MachineIsolation Isolation { get; init; } = null!;

    /// <summary>Opens the machine's namespace.</summary>
    public IMachineNamespaces Namespaces { get; init; } = null!;

    /// <summary>The machine's namespace while up works on it; the handler disposes it after the last step and any recovery.</summary>
    public MachineNamespace? Namespace { get; set; }

    public IPluginCatalog Plugins { get; } = plugins;

    public ProjectState Project { get; } = project;

    public UpOptions Options { get; } = options;

    /// <summary>The clock the boot timeout runs on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IDistro Distro { get; set; } = null!;

    public IProvider Provider { get; set; } = null!;

    public string StateDirectory => Project.MachineStateDirectory(Spec.Name);

    /// <summary>The machine's record; set by <see cref="Steps.LoadMachineRecord"/>.</summary>
    public MachineRecord Record { get; set; } = null!;

    /// <summary>True when this run created the machine (its first up): a failure before setup completes removes it.</summary>
    public bool CreatedNow { get; set; }

    /// <summary>True when the machine was already running at the start: nothing to boot.</summary>
    public bool AlreadyRunning { get; set; }

    public MachineKeySet Keys { get; set; } = null!;

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

    /// <summary>Lets go of the base's lock, if held; the handler calls it whatever happened, a step when done with the base.</summary>
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
}

/// <summary>How up was asked to run.</summary>
/// <param name="Provision">Run provisioners even though they ran before (<c>--provision</c>).</param>
/// <param name="Reconfigure">Configure the root again before booting (reload: Disklessfile changes take effect).</param>
/// <param name="Fresh">Make a new machine even where one of a project that moved away could be adopted (<c>--fresh</c>).</param>
/// <param name="UploadsConfinedTo">The folder provisioning uploads must lie in; null when the user trusted the file's reach.</param>
internal sealed record UpOptions(bool Provision = false, bool Reconfigure = false, bool Fresh = false, string? UploadsConfinedTo = null);
