namespace Diskless.Abstractions;

/// <summary>
/// How a provider finds a machine it started, kept in the machine's state file between commands.
/// </summary>
/// <param name="MachineName">The machine's name.</param>
/// <param name="MachineId">The machine's unique id.</param>
/// <param name="StateDirectory">The machine's folder under the project's .diskless/.</param>
/// <param name="RuntimeDirectory">The machine's socket folder.</param>
/// <param name="ConsoleLogPath">The serial console log.</param>
/// <param name="Data">The provider's own notes (pids, socket paths, domain name), as it returned them from start.</param>
public sealed record MachineHandle(
    string MachineName,
    string MachineId,
    string StateDirectory,
    string RuntimeDirectory,
    string ConsoleLogPath,
    IReadOnlyDictionary<string, string> Data)
{
    /// <summary>
    /// The machine's id map as the host derives it, never read back from <see cref="Data"/>; null for a host-owned
    /// root. Its guest root is the host uid a provider's processes in the machine's namespace run as, which is how they
    /// are told from anyone else's.
    /// </summary>
    public IdMap? IdMap { get; init; }

    /// <summary>
    /// The machine's distro's <see cref="InitramfsHints"/>, as the host asked the distro in this command, never read back
    /// from <see cref="Data"/>: the words of the console diagnosis in <see cref="MachineStatus.Failure"/>. Null when the
    /// host did not ask (a command that loads no distro); the hints then name no distro's files or commands.
    /// </summary>
    public InitramfsHints? Initramfs { get; init; }
}
