namespace Diskless.Cli.Pipeline;

/// <summary>
/// One step of a lifecycle command (Vagrant's action chain, without nested builders). A step that was entered
/// gets <see cref="RecoverAsync"/> when a later step — or the step itself — fails or is cancelled.
/// </summary>
internal interface IStep<in TContext>
{
    /// <summary>A few words for progress and errors ("build base", "start machine").</summary>
    string Name { get; }

    /// <summary>False to skip the step for this context (e.g. the base already exists).</summary>
    bool ShouldRun(TContext context);

    Task RunAsync(TContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Undoes what the step left behind that must not survive a failed run. Called with no caller token:
    /// clean-up must finish even when the user pressed Ctrl-C.
    /// </summary>
    Task RecoverAsync(TContext context, CancellationToken cancellationToken);
}
