using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.EndToEnd;

/// <summary>
/// The processes of a machine: those whose command line names its id (virtiofsd serving its root) or its runtime
/// folder (QEMU, which gets its kernel by descriptor and names only its sockets and pid file there).
/// </summary>
internal static class LeftOverProcesses
{
    private static readonly ProcProcessTable Table = new();

    /// <summary>Pids of every process of machine <paramref name="id"/>.</summary>
    public static List<int> Of(string id)
    {
        var runtime = "/" + Path.GetFileName(new ProjectState("/", new HostPaths("/")).RuntimeDirectory(id)) + "/";
        return [.. Table.FindByCommandLine(id).Concat(Table.FindByCommandLine(runtime)).Distinct()];
    }

    /// <summary>QEMU and virtiofsd processes of machine <paramref name="id"/>, by their command lines for the failure message.</summary>
    public static List<string> Mentioning(string id) =>
        Of(id)
            .Select(Table.CommandLine)
            .OfType<string>()
            .Where(c => c.Contains("qemu", StringComparison.Ordinal) || c.Contains("virtiofsd", StringComparison.Ordinal))
            .ToList();
}
