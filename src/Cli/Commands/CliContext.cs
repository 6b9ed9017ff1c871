using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Plugins;
using Diskless.Cli.Templates;

namespace Diskless.Cli.Commands;

/// <summary>
/// What a command runs against: its output streams, working folder, the command handlers, and the plugin host,
/// which is created only when a command asks for it (start-up stays free of plugin work).
/// </summary>
public sealed class CliContext
{
    private readonly Lazy<PluginHost> plugins;

    /// <summary>Creates a context writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    /// <param name="output">Standard output: results a script may read.</param>
    /// <param name="error">Standard error: errors, hints, progress.</param>
    /// <param name="workingDirectory">The folder the command runs in; the process's current folder when null.</param>
    /// <param name="pluginHostFactory">Creates the plugin host on first use; the standard search path when null.</param>
    public CliContext(TextWriter output, TextWriter error, string? workingDirectory = null, Func<PluginHost>? pluginHostFactory = null)
    {
        Out = output;
        Error = error;
        WorkingDirectory = Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory());
        plugins = new Lazy<PluginHost>(pluginHostFactory ?? PluginHost.CreateDefault);
        Templates = new DeferredTemplates(() => new ScribanTemplates());
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>The folder the command runs in (absolute).</summary>
    public string WorkingDirectory { get; }

    /// <summary>The actions of the machine commands.</summary>
    public required CommandHandlers Handlers { get; init; }

    /// <summary>The plugin host, created on first use.</summary>
    public PluginHost Plugins => plugins.Value;

    /// <summary>Who runs Diskless and what the host allows, looked at when a command needs it.</summary>
    public Func<MachineIsolation> Isolation { get; init; } = MachineIsolation.ForThisHost;

    /// <summary>The Disklessfiles the user trusts (<c>diskless trust</c>), read when a command needs them.</summary>
    public Func<Trust.TrustStore> Trust { get; init; } = Diskless.Cli.Trust.TrustStore.ForUser;

    /// <summary>The template renderer; the engine starts on the first render.</summary>
    public ITemplates Templates { get; }
}
