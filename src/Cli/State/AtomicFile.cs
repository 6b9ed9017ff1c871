using System.Text;

namespace Diskless.Cli.State;

/// <summary>Writes files so that a reader (or a crash) sees the old content or the new, never half of it.</summary>
public static class AtomicFile
{
    private const UnixFileMode DefaultMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8, no BOM) to a temp file beside <paramref name="path"/>, fsyncs it and
    /// renames it over <paramref name="path"/>. The temp file is removed when anything fails.
    /// </summary>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken, UnixFileMode mode = DefaultMode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(text);
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():n}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = mode,
                Options = FileOptions.Asynchronous,
            };
            var stream = new FileStream(temp, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(new UTF8Encoding(false).GetBytes(text), cancellationToken).ConfigureAwait(false);

                // fsync before the rename: otherwise a crash can leave the new name pointing at an empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
