using System.Text.RegularExpressions;
using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Tells a machine's own processes from every other. A process is the machine's only when it runs as the uid the
/// machine's processes run as, and its argv holds, as one whole element, the machine's own socket path: computed from
/// the machine's runtime folder, never taken from its record (an empty socket path would match every process). A
/// recorded pid may have been reused by anyone since; a substring of a command line may be any user's word.
/// </summary>
/// <param name="Files">The machine's files, from its runtime folder.</param>
/// <param name="Owner">
/// The host uid QEMU and virtiofsd run as: guest root of the machine's namespace, or host root (0) for a host-owned
/// root, which they were started as. Null when it is not known (a namespaced machine whose map the host did not
/// give), and then no process is the machine's.
/// </param>
internal sealed partial record MachineProcesses(MachineFiles Files, long? Owner) : IMachineProcesses
{
    /// <summary>The processes of the machine a later command finds through <paramref name="handle"/>.</summary>
    public static MachineProcesses For(MachineHandle handle)
    {
        var files = MachineFiles.For(handle);
        return new(files, OwnerOf(files, handle.IdMap));
    }

    /// <summary>The processes of a machine about to start in <paramref name="userNamespace"/> (null: host-owned).</summary>
    public static MachineProcesses For(MachineFiles files, IUserNamespace? userNamespace) => new(files, OwnerOf(files, userNamespace?.Map));

    /// <summary>True when <paramref name="argv"/> is this machine's QEMU's: it holds the exact -chardev of its QMP socket.</summary>
    public bool IsQemu(IReadOnlyList<string> argv) =>
        Known && argv.Contains(QemuArgs.QmpChardev(Files), StringComparer.Ordinal);

    /// <summary>
    /// True when <paramref name="argv"/> is one of this machine's virtiofsd's (or a wrapper about to exec one): its
    /// socket path, given as <c>--socket-path=PATH</c> or <c>--socket-path PATH</c>, is one of the machine's.
    /// </summary>
    public bool IsVirtiofsd(IReadOnlyList<string> argv) => Known && SocketPaths(argv).Any(IsOwnVirtiofsdSocket);

    /// <inheritdoc />
    public bool IsOwn(IReadOnlyList<string> argv) => IsQemu(argv) || IsVirtiofsd(argv);

    /// <inheritdoc />
    public string NameOf(IProcessTable table, int pid) => IsQemuRunning(table, pid) ? "QEMU" : "virtiofsd";

    /// <summary>The machine's QEMU runs as <paramref name="pid"/>.</summary>
    public bool IsQemuRunning(IProcessTable table, int pid) =>
        table.IsAlive(pid) && IsOwnedByMachine(table, pid) && table.Argv(pid) is { } argv && IsQemu(argv);

    /// <summary>The machine's QEMU processes, found by owner and argv alone (a QEMU whose pid was never recorded).</summary>
    public IReadOnlyList<int> FindQemu(IProcessTable table) => Find(table, IsQemu);

    /// <summary>The machine's virtiofsd processes, found by owner and argv alone.</summary>
    public IReadOnlyList<int> FindVirtiofsd(IProcessTable table) => Find(table, IsVirtiofsd);

    /// <summary>
    /// Those of <paramref name="pids"/> still running as the machine's virtiofsd: their owner is the machine's and their
    /// argv names one of its sockets, or they are exiting and have no argv left (a pid reused since would be neither,
    /// unless it too is about to go).
    /// </summary>
    public IReadOnlyList<int> LiveHelpers(IProcessTable table, IEnumerable<int> pids) =>
        pids.Where(pid => table.IsAlive(pid)
                && IsOwnedByMachine(table, pid)
                && ((table.Argv(pid) is { } argv && IsVirtiofsd(argv)) || table.IsExiting(pid)))
            .ToList();

    /// <summary>True when <paramref name="pid"/> runs as the machine's processes do.</summary>
    public bool IsOwnedByMachine(IProcessTable table, int pid) => Known && table.OwnerUid(pid) is { } owner && owner == Owner;

    // A relative or empty folder would name a different file from every working directory.
    private bool Known => Owner is not null && Files.RuntimeDirectory.Length > 1 && Path.IsPathFullyQualified(Files.RuntimeDirectory);

    private IReadOnlyList<int> Find(IProcessTable table, Func<IReadOnlyList<string>, bool> matches) =>
        Known ? table.FindOwned(Owner!.Value, matches) : [];

    private bool IsOwnVirtiofsdSocket(string path) =>
        Path.GetDirectoryName(path) == Path.GetDirectoryName(Files.VirtiofsdSocket(0)) && VirtiofsdSocketName().IsMatch(Path.GetFileName(path));

    private static IEnumerable<string> SocketPaths(IReadOnlyList<string> argv)
    {
        const string Option = "--socket-path";
        for (var i = 0; i < argv.Count; i++)
        {
            if (argv[i] == Option && i + 1 < argv.Count)
            {
                yield return argv[i + 1];
            }
            else if (argv[i].StartsWith(Option + "=", StringComparison.Ordinal))
            {
                yield return argv[i][(Option.Length + 1)..];
            }
        }
    }

    private static long? OwnerOf(MachineFiles files, IdMap? map) => files.InNamespace ? map?.ToHost(0) : 0;

    [GeneratedRegex(@"\Avfs[0-9]+\.sock\z")]
    private static partial Regex VirtiofsdSocketName();
}
