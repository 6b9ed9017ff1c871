using System.Text.Json;
using System.Text.Json.Serialization;
using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>Loads and saves state records as indented camelCase JSON, written atomically.</summary>
public static class JsonState
{
    /// <summary>The serializer settings of every state file.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Reads <paramref name="path"/>; null when the file does not exist. A malformed file is a <see cref="DisklessException"/> naming it.</summary>
    public static Task<T?> LoadAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Absent is the common case (a machine never created): no exception on the path `status` takes, and neither the
        // serializer's assembly nor an async state machine (whose start the runtime compiles) is touched to say so.
        return File.Exists(path) ? ReadAsync<T>(path, cancellationToken) : Task.FromResult<T?>(null);
    }

    private static async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, Options)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new DisklessException(
                $"{path} is damaged: {e.Message}",
                $"move it away (mv {path} {path}.bak) and run the command again",
                ExitCodes.Failure,
                e);
        }
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically, creating its folder.</summary>
    public static Task SaveAsync<T>(string path, T value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(value, Options) + "\n", cancellationToken);
    }
}
