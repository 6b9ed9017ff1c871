namespace Diskless.Cli.Processes;

/// <summary>Resolves symbolic links in host paths without following them blindly, as realpath(3) does.</summary>
public static class RealPath
{
    private const int MaxSymlinkHops = 40;

    /// <summary>
    /// The absolute path of <paramref name="path"/> with every link resolved, the last component too when
    /// <paramref name="followLast"/>. Components that do not exist are kept as written.
    /// </summary>
    public static string Resolve(string path, bool followLast = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var pending = new LinkedList<string>(Split(Path.GetFullPath(path)));
        var resolved = new List<string>();
        var hops = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            if (node.Value == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = Join([.. resolved, node.Value]);
            var target = pending.Count == 0 && !followLast ? null : new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(node.Value);
                continue;
            }

            if (++hops > MaxSymlinkHops)
            {
                throw new IOException($"Too many symbolic links resolving '{path}'");
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var part in Split(target).Reverse())
            {
                pending.AddFirst(part);
            }
        }

        return Join(resolved);
    }

    /// <summary>True when <paramref name="path"/> lies strictly inside <paramref name="folder"/> (both already resolved).</summary>
    public static bool IsStrictlyUnder(string path, string folder)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(folder);
        var prefix = folder == "/" ? "/" : folder + "/";
        return path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static string Join(IEnumerable<string> components) => "/" + string.Join('/', components);

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");
}
