using System.Text;
using System.Text.Json;

namespace Diskless.Cli.State;

/// <summary>
/// The data dirs a user has used (<see cref="DataDirectory.RegistryFile"/>): <c>$DISKLESS_HOME</c> picks one per
/// command, and <c>diskless global-status</c> must find the machines of each. A data dir is added when a command makes
/// state in it; a folder that is gone is dropped when the list is next written, and skipped when read. The file is the
/// user's own, read without following a link and checked like any other input: a path that is not absolute, or holds
/// a control character, is ignored.
/// </summary>
/// <param name="File">The registry file; its folder is made (0700) on the first write.</param>
/// <param name="Owner">The uid the file and its folder must belong to: whoever runs diskless.</param>
public sealed record DataDirectoryRegistry(string File, long Owner)
{
    private const int MaxBytes = 256 * 1024;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The registry of whoever runs this process; null when no home is known to keep it in.</summary>
    public static DataDirectoryRegistry? ForThisUser() =>
        DataDirectory.RegistryFile(Environment.GetEnvironmentVariable, Environment.IsPrivilegedProcess) is { } file
            ? new DataDirectoryRegistry(file, Isolation.HostIdentity.CurrentUid())
            : null;

    /// <summary>
    /// The data dirs recorded, as written (absolute, normalized), those that still exist; empty when there is no
    /// registry. Throws <see cref="UntrustedFileException"/> when the file or its folder is a link or another user's.
    /// </summary>
    public IReadOnlyList<string> Read() => [.. ReadAll().Where(Directory.Exists)];

    /// <summary>Adds <paramref name="dataDirectory"/> unless listed, dropping the entries whose folder is gone; writes only on a change.</summary>
    public void Record(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var entry = Normalize(dataDirectory) ?? throw new ArgumentException($"'{dataDirectory}' is not an absolute path", nameof(dataDirectory));
        IReadOnlyList<string> listed;
        try
        {
            listed = ReadAll();
        }
        catch (UntrustedFileException)
        {
            // A link or another user's file in the user's own folder: replaced (the rename does not follow it), not read.
            listed = [];
        }

        if (listed.Contains(entry, StringComparer.Ordinal) && listed.All(Directory.Exists))
        {
            return;
        }

        var kept = listed.Where(d => d != entry && Directory.Exists(d)).Append(entry).ToList();
        var folder = Path.GetDirectoryName(File)!;
        Directory.CreateDirectory(folder, OwnerOnly);
        AtomicFile.WriteAllTextAsync(File, Serialize(kept), CancellationToken.None, UnixFileMode.UserRead | UnixFileMode.UserWrite)
            .GetAwaiter().GetResult();
    }

    /// <summary>The entries of the file as <see cref="Record"/> writes it: JSON, <c>{"dataDirectories": [...]}</c>.</summary>
    internal static string Serialize(IEnumerable<string> dataDirectories) =>
        JsonSerializer.Serialize(new Contents([.. dataDirectories]), JsonState.Options) + "\n";

    /// <summary>Every well-formed entry of the file, gone or not; a damaged file reads as empty (it is rewritten on the next record).</summary>
    private List<string> ReadAll()
    {
        var folder = Path.GetDirectoryName(File)!;
        using var opened = BeneathFolder.Open(Path.GetDirectoryName(folder)!, [Path.GetFileName(folder)], Owner);
        var bytes = opened?.ReadFile(Path.GetFileName(File), Owner, MaxBytes);
        if (bytes is null)
        {
            return [];
        }

        Contents? contents;
        try
        {
            contents = JsonSerializer.Deserialize<Contents>(Encoding.UTF8.GetString(bytes), JsonState.Options);
        }
        catch (JsonException)
        {
            return [];
        }

        return [.. (contents?.DataDirectories ?? []).Select(Normalize).OfType<string>().Distinct(StringComparer.Ordinal)];
    }

    private static string? Normalize(string? path) =>
        path is { Length: > 0 } && Path.IsPathFullyQualified(path) && !path.Any(char.IsControl)
            ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) is { Length: > 0 } full ? full : "/"
            : null;

    private sealed record Contents(IReadOnlyList<string>? DataDirectories);
}
