namespace Diskless.Cli.Agent.Watch;

/// <summary>A synced folder whose host edits reach the guest: where it is on the host and where the guest mounts it.</summary>
internal sealed record WatchedFolder(string HostRoot, string GuestRoot)
{
    /// <summary>
    /// The hidden names the guest side creates and removes to give a folder an event; they reach the host like any
    /// guest write and are never reported back.
    /// </summary>
    public const string TempPrefix = ".diskless-watch-";

    /// <summary>The guest path of <paramref name="hostPath"/>, or null when it is outside the folder or one of the guest side's own names.</summary>
    public string? ToGuest(string hostPath)
    {
        var relative = Path.GetRelativePath(HostRoot, hostPath);
        if (relative == ".")
        {
            return GuestRoot;
        }

        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            || Path.GetFileName(hostPath).StartsWith(TempPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        return GuestRoot.TrimEnd('/') + "/" + relative;
    }
}
