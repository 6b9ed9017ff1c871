namespace Diskless.Cli.State;

/// <summary>A file or folder something else than Diskless may have put in place: a link, another owner's file, a fifo.</summary>
public sealed class UntrustedFileException(string path, string reason)
    : IOException($"{path} is not what diskless wrote there: {reason}")
{
    /// <summary>The file or folder.</summary>
    public string Path { get; } = path;

    /// <summary>Why it is not trusted.</summary>
    public string Reason { get; } = reason;
}
