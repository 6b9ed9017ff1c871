using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// Writes <see cref="FilteredVirtiofsd"/>'s script where libvirt (host root) will execute it: in the invoking user's
/// data dir, in a folder only they reach (0700), as a file only they may change (0755), never through a link.
/// </summary>
internal static class FilteredVirtiofsdFile
{
    /// <summary>The script's path, written (or found intact) for <paramref name="virtiofsd"/>.</summary>
    public static async Task<string> EnsureAsync(string virtiofsd, HostPaths paths, CancellationToken cancellationToken)
    {
        var script = FilteredVirtiofsd.Script(virtiofsd, SetuidFilter.ForThisHost());
        var path = FilteredVirtiofsd.PathFor(paths, script);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        RequireOwnFolder(folder);
        if (IsIntact(path, script))
        {
            return path;
        }

        // A fresh name opened with O_EXCL (no link followed), then renamed over whatever was there.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            };
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(script), cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return path;
    }

    private static bool IsIntact(string path, string script)
    {
        var info = new FileInfo(path);
        return info.Exists
            && info.LinkTarget is null
            && (info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0
            && File.ReadAllText(path) == script;
    }

    private static void RequireOwnFolder(string folder)
    {
        var info = new DirectoryInfo(folder);
        if (info.LinkTarget is not null || (info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new DisklessException(
                $"{folder} is a link or writable by others: libvirt would run, as host root, whatever it holds.",
                $"Remove it (rm -rf '{folder}') and run the command again.",
                ExitCodes.Failure);
        }
    }
}
