using System.Runtime.CompilerServices;
using System.Text;

namespace Diskless.Testing;

/// <summary>
/// Golden comparison of a root tree that holds symbolic links (to /dev/null, to absolute guest paths) which
/// <see cref="Golden.AssertTree"/> would follow on the host: a listing of every entry with its mode or link target,
/// plus every regular file's content.
/// </summary>
public static class TreeSnapshot
{
    public static void AssertMatches(string root, string name, [CallerFilePath] string callerFile = "")
    {
        if (Environment.GetEnvironmentVariable("DISKLESS_UPDATE_GOLDEN") == "1")
        {
            // Files the tree no longer has must not linger among the goldens.
            var stale = Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden", name);
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        var (listing, files) = Walk(root);
        Golden.AssertText(listing, Path.Combine(name, "LISTING"), callerFile);
        foreach (var file in files)
        {
            Golden.AssertText(File.ReadAllText(Path.Combine(root, file)), Path.Combine(name, "files", file), callerFile);
        }
    }

    /// <summary>
    /// The same listing and every regular file's content as one text, for comparing two trees with each other
    /// (no golden file involved, so DISKLESS_UPDATE_GOLDEN cannot make them agree).
    /// </summary>
    public static string Take(string root)
    {
        var (listing, files) = Walk(root);
        var text = new StringBuilder(listing);
        foreach (var file in files)
        {
            text.Append("\n== ").Append(file).Append('\n').Append(File.ReadAllText(Path.Combine(root, file)));
        }

        return text.ToString();
    }

    private static (string Listing, List<string> Files) Walk(string root)
    {
        var listing = new StringBuilder();
        var files = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path);
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                listing.Append("link ").Append(relative).Append(" -> ").Append(target).Append('\n');
            }
            else if (Directory.Exists(path))
            {
                listing.Append("dir  ").Append(Mode(path)).Append(' ').Append(relative).Append('\n');
            }
            else
            {
                listing.Append("file ").Append(Mode(path)).Append(' ').Append(relative).Append('\n');
                files.Add(relative);
            }
        }

        return (listing.ToString(), files);
    }

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');
}
