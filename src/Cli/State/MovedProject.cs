using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>What a project that moved is told: its machine stayed with the old folder's name in the data dir.</summary>
public static class MovedProject
{
    /// <summary>Why <c>up</c> makes no new machine where one of <paramref name="origin"/> (gone) may be this project's.</summary>
    public static DisklessException Refusal(string machineName, string origin) => new(
        $"Machine '{machineName}' is not created here, but a machine '{machineName}' of {origin}, a folder that no longer exists, is: "
        + "if this project was moved from there, that machine is its own. Nothing was built.",
        $"take it over: diskless adopt {ShellQuoting.Quote(origin)}; or make a new one beside it: diskless up --fresh",
        ExitCodes.WrongMachineState);

    /// <summary>The line <c>status</c> shows for a machine not created here while one of <paramref name="origin"/> may be its own.</summary>
    public static string Note(string origin) =>
        $"a machine of {origin} (that folder is gone) may be this one: diskless adopt {ShellQuoting.Quote(origin)}";
}
