using Diskless.Abstractions;

namespace Diskless.PluginSupport.Progress;

/// <summary>
/// Forwards a builder's phase changes to a progress stage: each output line is described (null: no change), and a
/// detail is shown only when it differs from the last. Output lines may arrive from two threads.
/// </summary>
public sealed class StageDetail(IProgressStage stage, Func<string, string?> describe)
{
    private readonly Lock _gate = new();
    private string? _last;

    /// <summary>Takes one line of output.</summary>
    public void Observe(string line)
    {
        var detail = describe(line);
        lock (_gate)
        {
            if (detail is null || detail == _last)
            {
                return;
            }

            _last = detail;
            stage.Update(detail);
        }
    }
}
