using System.Text.Json;
using Diskless.Cli.State;

namespace Diskless.Cli.Trust;

/// <summary>
/// The Disklessfiles the user trusts, kept in the user's own configuration (<c>$XDG_CONFIG_HOME/diskless/trusted.json</c>,
/// by default <c>~/.config/diskless/trusted.json</c>), never in a project: a repository cannot vouch for itself.
/// </summary>
/// <param name="configDirectory">The folder of the user's Diskless configuration.</param>
public sealed class TrustStore(string configDirectory)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The file that holds the consents.</summary>
    public string FilePath { get; } = System.IO.Path.Combine(configDirectory, "trusted.json");

    /// <summary>The user's configuration folder: <c>$XDG_CONFIG_HOME/diskless</c>, else <c>~/.config/diskless</c>.</summary>
    public static string UserConfigDirectory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment("XDG_CONFIG_HOME") is { Length: > 0 } config && System.IO.Path.IsPathRooted(config))
        {
            return System.IO.Path.Combine(config, "diskless");
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return System.IO.Path.Combine(home, ".config", "diskless");
    }

    /// <summary>The store of the user running Diskless.</summary>
    public static TrustStore ForUser() => new(UserConfigDirectory(Environment.GetEnvironmentVariable));

    /// <summary>Every trusted file, oldest first.</summary>
    public IReadOnlyList<TrustedFile> List()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<TrustedFile>>(File.ReadAllText(FilePath), JsonState.Options) ?? [];
        }
        catch (JsonException e)
        {
            throw new Abstractions.DisklessException(
                $"{FilePath} is damaged: {e.Message}",
                $"move it away (mv {FilePath} {FilePath}.bak); you will be asked to trust your Disklessfiles again",
                Abstractions.ExitCodes.Failure,
                e);
        }
    }

    /// <summary>Whether the file at <paramref name="realPath"/> with content <paramref name="sha256"/> is trusted.</summary>
    public bool IsTrusted(string realPath, string sha256) =>
        List().Any(f => f.Path == realPath && string.Equals(f.Sha256, sha256, StringComparison.Ordinal));

    /// <summary>Records the consent; an older one for the same path (another content) is replaced.</summary>
    public async Task GrantAsync(TrustedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        await SaveAsync([.. List().Where(f => f.Path != file.Path), file], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every consent for <paramref name="realPath"/>; false when there was none.</summary>
    public async Task<bool> RevokeAsync(string realPath, CancellationToken cancellationToken)
    {
        var all = List();
        var kept = all.Where(f => f.Path != realPath).ToList();
        if (kept.Count == all.Count)
        {
            return false;
        }

        await SaveAsync(kept, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task SaveAsync(IReadOnlyList<TrustedFile> files, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(configDirectory, OwnerOnly);
        await AtomicFile.WriteAllTextAsync(
            FilePath,
            JsonSerializer.Serialize(files, JsonState.Options) + "\n",
            cancellationToken,
            UnixFileMode.UserRead | UnixFileMode.UserWrite).ConfigureAwait(false);
    }
}
