namespace Diskless.Cli.Agent;

/// <summary>
/// The agent's argv: <c>[dotnet diskless.dll | diskless] agent --machine-id ID [--file DISKLESSFILE] NAME</c>. The id in
/// it is what tells a live agent of this machine from any other process that got its pid.
/// </summary>
public static class AgentCommandLine
{
    /// <summary>The hidden subcommand's name.</summary>
    public const string Command = "agent";

    /// <summary>The option naming the machine's id.</summary>
    public const string MachineIdOption = "--machine-id";

    /// <summary>The option naming the terminal the agent also tells of what it forwards (<see cref="AgentTerminal"/>).</summary>
    public const string TerminalOption = "--notify-terminal";

    /// <summary>
    /// The arguments after the program for the agent of machine <paramref name="machineName"/> (<paramref name="machineId"/>),
    /// telling <paramref name="terminal"/> of what it forwards when one is given.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string machineName, string machineId, string disklessfile, string? terminal = null) =>
        terminal is null
            ? [Command, MachineIdOption, machineId, "--file", disklessfile, machineName]
            : [Command, MachineIdOption, machineId, "--file", disklessfile, TerminalOption, terminal, machineName];

    /// <summary>Whether <paramref name="argv"/> is the agent of <paramref name="machineId"/>: the subcommand, then the id as whole elements.</summary>
    public static bool Matches(IReadOnlyList<string> argv, string machineId)
    {
        ArgumentNullException.ThrowIfNull(argv);
        for (var i = 0; i + 2 < argv.Count; i++)
        {
            if (argv[i] == Command && argv[i + 1] == MachineIdOption && argv[i + 2] == machineId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// How to run this program again: its apphost, or <c>dotnet</c> with its dll when started that way. Null when this
    /// process is not diskless (a test host running commands in-process): no agent is started then.
    /// </summary>
    public static (string Program, IReadOnlyList<string> Prefix)? ThisProgram()
    {
        var process = Environment.ProcessPath;
        if (process is null)
        {
            return null;
        }

        if (Path.GetFileName(process) == "diskless")
        {
            return (process, []);
        }

        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && entry is not null && Path.GetFileName(entry) == "diskless.dll"
            ? (process, [entry])
            : null;
    }
}
