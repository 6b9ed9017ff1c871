using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// The <c>cp -a</c> of a tree that its guest may be changing (a running machine's root, for <c>snapshot save</c>),
/// run in a sandbox (<see cref="SandboxCommand.BuildConfined"/>) that shows the host's programs and the nearest folder
/// holding both source and destination, with everything else in that folder covered. cp itself never follows a link
/// in the source, but it walks by path: a folder swapped for a link after cp saw a folder sends it through the link.
/// In the sandbox an absolute link leads into the empty sandbox root, a relative one stays inside the shown folder,
/// where only the source and the copy itself are visible, so nothing of the host ends up in the copy.
/// </summary>
internal static class ConfinedCopy
{
    /// <summary>The confined copy of <paramref name="source"/> into <paramref name="destination"/> (which exists, empty).</summary>
    public static CommandSpec Command(string source, string destination, bool reflink) =>
        Command(source, destination, reflink, SandboxCommand.HostProgramFolders());

    /// <summary><see cref="Command(string, string, bool)"/> with the host's program folders given.</summary>
    internal static CommandSpec Command(string source, string destination, bool reflink, IReadOnlyList<HostProgramFolder> programFolders)
    {
        source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source));
        destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        var folder = CommonFolder(source, destination);
        var hiddenFolders = new List<string>();
        var hiddenFiles = new List<string>();
        Cover(folder, [source, destination], hiddenFolders, hiddenFiles);
        var copy = new CommandSpec(
            "cp", "-a", reflink ? "--reflink=always" : "--reflink=auto", "--one-file-system",
            SandboxCommand.ConfinedPath(folder, source) + "/.", SandboxCommand.ConfinedPath(folder, destination))
        {
            Description = "copy of " + source,
        };
        return SandboxCommand.BuildConfined(folder, hiddenFolders, hiddenFiles, programFolders, copy) with { Description = "copy of " + source };
    }

    /// <summary>The deepest folder that holds both paths (neither is the other's ancestor here: a tree is never copied into itself).</summary>
    internal static string CommonFolder(string source, string destination)
    {
        var folder = Path.GetDirectoryName(source)!;
        while (!IsUnder(destination, folder))
        {
            folder = Path.GetDirectoryName(folder) ?? throw new ArgumentException($"{source} and {destination} share no folder");
        }

        if (folder == "/")
        {
            // A sandbox showing the whole host would confine nothing.
            throw new ArgumentException($"{source} and {destination} share no folder but /");
        }

        return folder;
    }

    /// <summary>Covers every entry of <paramref name="folder"/> that is neither one of <paramref name="visible"/> nor on the way to one.</summary>
    private static void Cover(string folder, IReadOnlyList<string> visible, List<string> hiddenFolders, List<string> hiddenFiles)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var path = entry.FullName;
            if (visible.Contains(path, StringComparer.Ordinal))
            {
                continue;
            }

            if (visible.Any(v => IsUnder(v, path)))
            {
                Cover(path, visible, hiddenFolders, hiddenFiles);
            }
            else if (entry.LinkTarget is not null)
            {
                // Our own folder holds no links; one found is resolved inside the sandbox, where it reaches nothing.
                continue;
            }
            else if (entry is DirectoryInfo)
            {
                hiddenFolders.Add(path);
            }
            else
            {
                hiddenFiles.Add(path);
            }
        }
    }

    private static bool IsUnder(string path, string folder) =>
        path.StartsWith(folder == "/" ? "/" : folder + "/", StringComparison.Ordinal);
}
