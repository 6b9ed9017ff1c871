namespace Diskless.Cli.Pipeline;

/// <summary>
/// The first step of a pipeline: it makes, from what is known before any step (<typeparamref name="TStart"/>), the
/// context the other steps work on, so that what they need from it is there, typed, from the start.
/// </summary>
internal interface IOpeningStep<in TStart, TContext>
{
    /// <summary>A few words for progress and errors ("load machine").</summary>
    string Name { get; }

    /// <summary>Makes the context; when it fails, it leaves behind nothing that must not survive a failed run.</summary>
    Task<TContext> RunAsync(TStart start, CancellationToken cancellationToken);

    /// <summary>Undoes what the step left behind when a later step fails or is cancelled (no caller token, as <see cref="IStep{TContext}.RecoverAsync"/>).</summary>
    Task RecoverAsync(TContext context, CancellationToken cancellationToken);
}
