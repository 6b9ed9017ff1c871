namespace Diskless.Cli.Processes;

/// <summary>Settings of <see cref="CliWrapCommandRunner"/>; the defaults suit the real program, tests override them.</summary>
public sealed record CommandRunnerOptions
{
    /// <summary>How long a cancelled command may take to exit after SIGINT before it is killed.</summary>
    public TimeSpan InterruptGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock the grace period runs on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How many lines of combined output a <see cref="Abstractions.CommandFailedException"/> carries.</summary>
    public int OutputTailLines { get; init; } = 40;

    /// <summary>Whether this process runs as root; null asks the OS.</summary>
    public bool? RunningAsRoot { get; init; }

    /// <summary>Looks a program up by name; <see cref="ExecutableFinder.Find(string, string[])"/> when null.</summary>
    public Func<string, string?>? FindExecutable { get; init; }
}
