using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Diskless.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Diskless.Cli.Isolation;

/// <summary>
/// Owns a machine's user and mount namespace: a holder process that does nothing but keep them open, with the
/// <see cref="IdMap"/> written from outside (a process that execs before its map exists loses its capabilities, so
/// nothing runs in the namespace until the map is in place). Work is entered with nsenter as guest root.
/// <para>
/// The holder never outlives Diskless: it blocks reading a fifo whose only writer is a handle this object holds. When
/// the handle closes — on dispose, or because Diskless died, however it died — the holder reads end-of-file and exits.
/// The namespaces stay alive as long as any entered process (QEMU, virtiofsd) is still in them.
/// </para>
/// </summary>
public sealed class NamespaceHolder : IUserNamespace, IAsyncDisposable
{
    /// <summary>The name the holder's shell runs under ($0), which makes it easy to find in a process list.</summary>
    public const string ProcessName = "diskless-userns-holder";

    // fd 4 is opened read-write first so that opening fd 3 read-only cannot block; once fd 4 is closed, the only
    // writer left is Diskless's handle. Had Diskless died before this point, the read sees end-of-file at once.
    private const string HolderScript = "exec 4<>\"$1\" 3<\"$1\" 4>&-; read -r _ <&3; exit 0";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartPollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(5);

    private readonly ICommandRunner _runner;
    private readonly IProcessTable _processes;
    private readonly string _folder;
    private readonly SafeFileHandle _lifeline;
    private bool _disposed;

    private NamespaceHolder(IdMap map, ICommandRunner runner, IProcessTable processes, string folder, SafeFileHandle lifeline, int pid)
    {
        Map = map;
        _runner = runner;
        _processes = processes;
        _folder = folder;
        _lifeline = lifeline;
        Pid = pid;
    }

    /// <inheritdoc />
    public IdMap Map { get; }

    /// <summary>The holder's host pid, the target of nsenter.</summary>
    public int Pid { get; }

    /// <summary>
    /// Creates the namespaces and writes <paramref name="map"/> into them: with newuidmap and newgidmap for an ordinary
    /// user, directly into /proc for root (newuidmap refuses root's mapping of another user's uid). The holder's fifo
    /// and log live in a private folder made under <paramref name="runtimeDirectory"/>.
    /// </summary>
    public static async Task<NamespaceHolder> StartAsync(
        IdMap map, HostIdentity identity, ICommandRunner runner, IProcessTable processes, string runtimeDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(processes);
        return await StartCoreAsync(map, pid => WriteMapsAsync(map, identity, pid, runner, cancellationToken), runner, processes, runtimeDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As host root, a user namespace with the maps <paramref name="uidMapText"/> and <paramref name="gidMapText"/> (the
    /// id map of an idmapped mount, <see cref="OwnerIdMap"/>), open as /proc/PID/ns/user; the holder that made it has
    /// ended, the handle keeps it. <paramref name="machineMap"/> is only the holder's nominal map.
    /// </summary>
    public static async Task<SafeFileHandle> OpenMappedUserNamespaceAsync(
        string uidMapText, string gidMapText, IdMap machineMap, ICommandRunner runner, IProcessTable processes, string runtimeDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(processes);
        var holder = await StartCoreAsync(
            machineMap,
            pid =>
            {
                var target = pid.ToString(CultureInfo.InvariantCulture);
                WriteProcFile($"/proc/{target}/uid_map", uidMapText);
                WriteProcFile($"/proc/{target}/gid_map", gidMapText);
                return Task.CompletedTask;
            },
            runner,
            processes,
            runtimeDirectory,
            cancellationToken).ConfigureAwait(false);
        await using (holder.ConfigureAwait(false))
        {
            return File.OpenHandle($"/proc/{holder.Pid.ToString(CultureInfo.InvariantCulture)}/ns/user", FileMode.Open, FileAccess.Read);
        }
    }

    private static async Task<NamespaceHolder> StartCoreAsync(
        IdMap map, Func<int, Task> writeMaps, ICommandRunner runner, IProcessTable processes, string runtimeDirectory, CancellationToken cancellationToken)
    {
        // This process makes the folders, so they must be its own (whoever the identity says the machine's user is).
        var self = HostIdentity.CurrentUid();
        State.RuntimeFolders.EnsurePrivate(Path.GetFullPath(runtimeDirectory), self);

        // Private: the fifo is the holder's life, and nobody else may open it for writing and so keep the holder alive.
        var folder = Path.Combine(Path.GetFullPath(runtimeDirectory), "userns-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        State.RuntimeFolders.EnsurePrivate(folder, self);
        var fifo = Path.Combine(folder, "lifeline");
        var log = Path.Combine(folder, "holder.log");
        SafeFileHandle? lifeline = null;
        var pid = 0;
        try
        {
            await runner.RunAsync(new CommandSpec("mkfifo", "-m", "600", fifo) { Description = "namespace holder's lifeline" }, cancellationToken).ConfigureAwait(false);

            // Read-write: opening a fifo that way never blocks, and this handle is the writer whose closing ends the holder.
            lifeline = File.OpenHandle(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            var command = new CommandSpec("unshare", "--user", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", HolderScript, ProcessName, fifo)
            {
                Description = "user namespace holder",
            };
            pid = await runner.StartDetachedAsync(command, log, cancellationToken).ConfigureAwait(false);
            await WaitUntilUnsharedAsync(pid, processes, log, cancellationToken).ConfigureAwait(false);
            await writeMaps(pid).ConfigureAwait(false);
            var holder = new NamespaceHolder(map, runner, processes, folder, lifeline, pid);
            lifeline = null;
            return holder;
        }
        catch
        {
            lifeline?.Dispose();
            if (pid > 0)
            {
                await StopAsync(pid, runner, processes).ConfigureAwait(false);
            }

            DeleteFolder(folder);
            throw;
        }
    }

    /// <inheritdoc />
    public CommandSpec Enter(CommandSpec inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (inner.RequiresRoot)
        {
            // sudo would put host root around nsenter; guest root is what the namespace gives.
            throw new ArgumentException("a command entered into the user namespace runs as guest root and cannot ask for host root", nameof(inner));
        }

        // nsenter -m starts at the namespace's "/": a relative program or working directory would silently mean another file.
        if (inner.FileName.Contains('/', StringComparison.Ordinal) && !Path.IsPathFullyQualified(inner.FileName))
        {
            throw new ArgumentException($"a command entered into the user namespace needs an absolute path or a name on PATH, not '{inner.FileName}'", nameof(inner));
        }

        if (inner.WorkingDirectory is { } directory && !Path.IsPathFullyQualified(directory))
        {
            throw new ArgumentException($"a working directory in the user namespace must be absolute, not '{directory}'", nameof(inner));
        }

        List<string> arguments = ["-t", Pid.ToString(CultureInfo.InvariantCulture), "-U", "-m", "-S", "0", "-G", "0"];
        if (inner.WorkingDirectory is not null)
        {
            arguments.Add("--wd=" + inner.WorkingDirectory);
        }

        arguments.Add("--");
        arguments.Add(inner.FileName);
        arguments.AddRange(inner.Arguments);
        return inner with
        {
            FileName = "nsenter",
            Arguments = arguments,
            WrappedProgram = inner.ShownProgram,
            WorkingDirectory = null,
            Description = inner.Description ?? Path.GetFileName(inner.FileName),
        };
    }

    /// <summary>Ends the holder (closing its lifeline, then SIGKILL if it lingers) and removes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _lifeline.Dispose();
        await StopAsync(Pid, _runner, _processes).ConfigureAwait(false);
        DeleteFolder(_folder);
    }

    private static async Task WaitUntilUnsharedAsync(int pid, IProcessTable processes, string log, CancellationToken cancellationToken)
    {
        // unshare(2) happens before the holder execs its shell; the map can be written from that moment on.
        var ours = NamespaceId(Environment.ProcessId) ?? throw new InvalidOperationException("cannot read this process's user namespace");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (NamespaceId(pid) is { } theirs && theirs != ours)
            {
                return;
            }

            if (!processes.IsAlive(pid))
            {
                throw new DisklessException(
                    $"could not create the machine's user namespace: {await LogTailAsync(log, cancellationToken).ConfigureAwait(false)}",
                    "check that user namespaces are enabled: unshare --user --map-root-user true",
                    ExitCodes.NotAvailable);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new DisklessException($"the user namespace holder (pid {pid}) did not create its namespace within {StartTimeout.TotalSeconds:0} s", null, ExitCodes.ExternalToolFailed);
            }

            await Task.Delay(StartPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteMapsAsync(IdMap map, HostIdentity identity, int pid, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var target = pid.ToString(CultureInfo.InvariantCulture);
        if (identity.IsRoot)
        {
            // Root has CAP_SETUID and CAP_SETGID over the new namespace; each map must be one write at offset 0.
            WriteProcFile($"/proc/{target}/uid_map", map.UidMapText);
            WriteProcFile($"/proc/{target}/gid_map", map.GidMapText);
        }
        else
        {
            await runner.RunAsync(new CommandSpec("newuidmap", [target, .. Flatten(map.UidRanges)]) { Description = "map the machine's uids" }, cancellationToken).ConfigureAwait(false);
            await runner.RunAsync(new CommandSpec("newgidmap", [target, .. Flatten(map.GidRanges)]) { Description = "map the machine's gids" }, cancellationToken).ConfigureAwait(false);
        }

        var written = Normalise(await File.ReadAllTextAsync($"/proc/{target}/uid_map", cancellationToken).ConfigureAwait(false));
        if (written != Normalise(map.UidMapText))
        {
            throw new DisklessException($"the user namespace got the uid map '{written}' instead of '{Normalise(map.UidMapText)}'", null, ExitCodes.ExternalToolFailed);
        }
    }

    private static void WriteProcFile(string path, string text)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(handle, Encoding.ASCII.GetBytes(text), 0);
    }

    private static IEnumerable<string> Flatten(IEnumerable<IdRange> ranges) =>
        ranges.SelectMany(r => new[] { r.Guest, r.Host, r.Count }).Select(n => n.ToString(CultureInfo.InvariantCulture));

    private static string Normalise(string map) =>
        string.Join(" | ", map.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));

    private static string? NamespaceId(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/user").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task StopAsync(int pid, ICommandRunner runner, IProcessTable processes)
    {
        // Cleanup runs also when the caller was cancelled: it must not be cancelled itself.
        if (await processes.WaitForExitAsync(pid, ExitTimeout, CancellationToken.None).ConfigureAwait(false))
        {
            return;
        }

        await runner.SignalAsync(pid, ProcessSignal.Kill, CancellationToken.None).ConfigureAwait(false);
        await processes.WaitForExitAsync(pid, ExitTimeout, CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<string> LogTailAsync(string log, CancellationToken cancellationToken)
    {
        var text = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken).ConfigureAwait(false) : "";
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5).ToList();
        return lines.Count == 0 ? "the holder exited without a message" : string.Join("; ", lines);
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Only a fifo and a log: a leftover is harmless and goes with the runtime directory.
        }
    }
}
