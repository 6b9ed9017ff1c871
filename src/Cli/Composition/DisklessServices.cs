using Diskless.Abstractions;
using Diskless.Cli.Agent;
using Diskless.Cli.Commands;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;
using Diskless.Cli.Output;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Plugins;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Cli.Templates;
using Diskless.Cli.Trust;

namespace Diskless.Cli.Composition;

/// <summary>
/// The one place that builds what the commands use: output, the plugin host, templates, the command runner, the
/// process table, the clock, isolation, the trust store, the user's configuration, the data dir, the namespace opener
/// and the command handlers; from them, each command's host services (<see cref="Host"/>) and a project's lifecycle
/// services (<see cref="LifecycleAsync"/>). The program makes one (<see cref="ForConsole"/>); a test replaces a
/// service with <c>with</c>, and every command sees the replacement, since no command builds a service of its own.
/// </summary>
/// <param name="Out">Standard output: results a script may read.</param>
/// <param name="Error">Standard error: errors, hints, progress.</param>
/// <param name="WorkingDirectory">The folder the command runs in (made absolute).</param>
public sealed record DisklessServices(TextWriter Out, TextWriter Error, string WorkingDirectory)
{
    // What reads the host (plugin search path, /etc/subuid, the user's config) is made on first use, once: start-up
    // stays free of that work, and `with` replaces the value rather than sharing a half-made one.
    private Lazy<PluginHost> _plugins = new(PluginHost.CreateDefault);
    private Lazy<MachineIsolation> _isolation = new(MachineIsolation.ForThisHost);
    private Lazy<TrustStore> _trust = new(TrustStore.ForUser);
    private Lazy<HostPaths> _paths = new(() => DataDirectory.Resolve());
    private Lazy<UserConfiguration> _user = new(UserConfiguration.ForUser);
    // Only the program records the data dirs it uses (ForConsole): services a test makes list none of the user's.
    private Lazy<DataDirectoryRegistry?> _dataDirectories = new(() => null);
    private Lazy<TextReader> _input = new(() => TextReader.Null);

    /// <summary>The folder the command runs in (absolute).</summary>
    public string WorkingDirectory { get; init; } = Path.GetFullPath(WorkingDirectory);

    /// <summary>The program's services: the console's streams, the process's folder, the real handlers.</summary>
    public static DisklessServices ForConsole() => new(ConsoleWriters.Out, ConsoleWriters.Error, Directory.GetCurrentDirectory())
    {
        _dataDirectories = new(DataDirectoryRegistry.ForThisUser),
        // Standard input is opened when a command reads it (destroy's confirmation): the others skip that start-up work.
        _input = new(() => Console.In),
        ErrorIsTerminal = !Console.IsErrorRedirected,
        Interactive = !Console.IsInputRedirected,
    };

    /// <summary>Whether <see cref="Error"/> is a terminal: progress redraws its line there, and prints whole lines otherwise.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Where a command reads a person's answer (destroy's confirmation).</summary>
    public TextReader Input { get => _input.Value; init => _input = new(value); }

    /// <summary>Whether a person can answer on <see cref="Input"/>; destroy asks only then.</summary>
    public bool Interactive { get; init; }

    /// <summary>The actions of the machine commands; a test replaces one to see what the command line hands it.</summary>
    public CommandHandlers Handlers { get; init; } = LifecycleHandlers.Create();

    /// <summary>The plugin host, made on first use.</summary>
    public PluginHost Plugins { get => _plugins.Value; init => _plugins = new(value); }

    /// <summary>Who runs Diskless and what the host allows: decides a new machine's id map.</summary>
    public MachineIsolation Isolation { get => _isolation.Value; init => _isolation = new(value); }

    /// <summary>The Disklessfiles the user trusts (<c>diskless trust</c>).</summary>
    public TrustStore Trust { get => _trust.Value; init => _trust = new(value); }

    /// <summary>The user's own configuration, which completes each machine's provider settings.</summary>
    public UserConfiguration User { get => _user.Value; init => _user = new(value); }

    /// <summary>The data dir: bases, machines, plugins.</summary>
    internal HostPaths Paths { get => _paths.Value; init => _paths = new(value); }

    /// <summary>
    /// The duties of a running machine's host agent (<c>diskless agent</c>): every job the program knows; each machine's
    /// agent runs those that apply to it (<see cref="IMachineAgentJob.AppliesTo"/>). Register a new job here.
    /// </summary>
    public IReadOnlyList<IMachineAgentJob> AgentJobs { get; init; } = [new Agent.Ports.PortsAgentJob(), new Agent.Watch.HostEditsJob(TimeProvider.System)];

    /// <summary>Starts and stops the machines' host agents; in-process (a test host) it starts none.</summary>
    public MachineAgents Agents { get; init; } = MachineAgents.ForThisProgram();

    /// <summary>
    /// The data dirs this user has used (<c>global-status</c> lists their machines): the user's list for the program
    /// (<see cref="ForConsole"/>), none otherwise; null also when there is no home to keep the list in.
    /// </summary>
    internal DataDirectoryRegistry? DataDirectories { get => _dataDirectories.Value; init => _dataDirectories = new(value); }

    /// <summary>The template renderer; the engine starts on the first render.</summary>
    public ITemplates Templates { get; init; } = new DeferredTemplates(() => new ScribanTemplates());

    /// <summary>The clock commands wait on and progress measures with.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Which processes are alive (a machine's QEMU, a namespace holder).</summary>
    public IProcessTable Processes { get; init; } = new ProcProcessTable();

    /// <summary>Runs external commands; made per command because it reports through that command's progress.</summary>
    public Func<IProgressReporter, ICommandRunner> Commands { get; init; } = progress => new CliWrapCommandRunner(progress);

    /// <summary>Opens machine namespaces as <c>identity</c>, the holders' folder made (by the function given) when one opens.</summary>
    internal Func<HostIdentity, Func<string>, IMachineNamespaces> Namespaces { get; init; } =
        (identity, holderDirectory) => new HolderNamespaces(identity, holderDirectory);

    /// <summary>The host services of one command, reporting progress on <see cref="Error"/>.</summary>
    internal HostServices Host(bool verbose)
    {
        var progress = new ConsoleProgressReporter(Error, ErrorIsTerminal, verbose, Time);
        return new HostServices(progress, Templates, Paths, Commands(progress), Processes);
    }

    /// <summary>The namespace opener for a project, as the user <see cref="Isolation"/> sees.</summary>
    internal IMachineNamespaces NamespacesFor(ProjectState state) =>
        // The base is checked (ours, private, no link; the session folder too) before a holder makes its folder there.
        // Made on first use: who runs Diskless costs a name-service lookup that status of a machine not created skips.
        new DeferredNamespaces(() => Namespaces(Isolation.Identity, state.EnsureRuntimeBaseDirectory));

    /// <summary>What a lifecycle command works with, for <paramref name="project"/>.</summary>
    internal LifecycleServices Lifecycle(IHostServices host, IPluginCatalog plugins, ProjectSpec project, ProjectState? state = null)
    {
        var projectState = state ?? new ProjectState(project.ProjectDirectory, host.Paths) { Registry = DataDirectories };
        return new LifecycleServices(host, plugins, project, Out, projectState, Time, Isolation, NamespacesFor(projectState)) { Agents = Agents };
    }

    /// <summary>
    /// What <c>global-status</c> works with: this command's data dir, the default one of whoever runs it, and those of
    /// <see cref="DataDirectories"/>; the plugin host, which loads a provider only when a machine of it is found.
    /// </summary>
    internal GlobalStatusServices GlobalStatus(bool verbose)
    {
        var host = Host(verbose);
        var registered = Array.Empty<string>() as IReadOnlyList<string>;
        try
        {
            registered = DataDirectories?.Read() ?? [];
        }
        catch (IOException e)
        {
            host.Progress.Warn($"the list of data dirs {DataDirectories!.File} is not read: {e.Message}");
        }

        var defaultDirectory = DataDirectory.Resolve(name => name == "DISKLESS_HOME" ? null : Environment.GetEnvironmentVariable(name), Environment.IsPrivilegedProcess).DataDirectory;
        return new GlobalStatusServices(
            GlobalStatusHandler.DataDirectoriesToSearch(Paths.DataDirectory, defaultDirectory, registered),
            Paths.DataDirectory,
            Isolation.Identity.Uid,
            paths => new HostServices(host.Progress, Templates, paths, host.Commands, Processes),
            Plugins,
            Isolation,
            state => NamespacesFor(state),
            async (project, cancellationToken) =>
            {
                try
                {
                    return await ProjectLoader.ReadAsync(null, project, cancellationToken, User).ConfigureAwait(false);
                }
                catch (Exception e) when (e is DisklessException or IOException or UnauthorizedAccessException)
                {
                    return null;
                }
            },
            host.Progress,
            Out);
    }

    /// <summary>
    /// Finds, parses and, when <paramref name="validate"/>, validates the project (<see cref="ProjectLoader"/>), with
    /// the user's configuration; validation's warnings go to <see cref="Error"/>.
    /// </summary>
    internal Task<ProjectSpec> ProjectAsync(string? fileOption, bool validate, CancellationToken cancellationToken) => validate
        ? ProjectLoader.LoadAsync(fileOption, WorkingDirectory, Plugins, cancellationToken, User, Error)
        : ProjectLoader.ReadAsync(fileOption, WorkingDirectory, cancellationToken, User);

    /// <summary>Reads (and, for commands that change a machine, fully validates) the project, then builds its services.</summary>
    internal async Task<LifecycleServices> LifecycleAsync(Globals globals, bool validate, CancellationToken cancellationToken)
    {
        var project = await ProjectAsync(globals.DisklessfileOption, validate, cancellationToken).ConfigureAwait(false);
        if (validate)
        {
            // The commands that build, boot or provision act on the file's requests: not without the user's consent.
            TrustGate.Require(project, Trust);
        }

        return Lifecycle(Host(globals.Verbose), Plugins, project);
    }

    // A record prints every member, which would make the services it has not made yet (and read the host for them).
    public override string ToString() => $"{nameof(DisklessServices)} in {WorkingDirectory}";
}
