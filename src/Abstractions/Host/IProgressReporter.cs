namespace Diskless.Abstractions;

/// <summary>
/// Progress for people: stages with elapsed time on a terminal, plain lines otherwise.
/// </summary>
public interface IProgressReporter
{
    /// <summary>True when <c>--verbose</c> was given: external commands and their output are shown.</summary>
    bool IsVerbose { get; }

    /// <summary>Starts a stage that may take more than a second; disposing it ends the stage and reports its duration.</summary>
    IProgressStage BeginStage(string title);

    /// <summary>A line the user should see.</summary>
    void Info(string message);

    /// <summary>A warning the user should see, e.g. that boot will be slow without KVM.</summary>
    void Warn(string message);

    /// <summary>Detail shown only with <c>--verbose</c>.</summary>
    void Verbose(string message);
}

/// <summary>A running stage of <see cref="IProgressReporter"/>.</summary>
public interface IProgressStage : IDisposable
{
    /// <summary>Replaces the stage's detail text (e.g. "extracting 120/236 packages").</summary>
    void Update(string detail);

    /// <summary>Marks the stage as failed; disposing it then reports the failure instead of completion.</summary>
    void Fail();
}
