namespace Diskless.Abstractions;

/// <summary>The signals Diskless sends to the helpers it started.</summary>
public enum ProcessSignal
{
    /// <summary>SIGINT: what Ctrl-C sends; programs clean up and exit.</summary>
    Interrupt,

    /// <summary>SIGTERM: the polite request to exit.</summary>
    Terminate,

    /// <summary>SIGKILL: cannot be caught.</summary>
    Kill,
}
