namespace Diskless.Testing;

/// <summary>Writes the files of a fake root tree for tests: parent folders made, the mode set exactly (no umask).</summary>
public static class TreeFiles
{
    public const UnixFileMode Mode0644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Write(string root, string relativePath, string content, UnixFileMode mode = Mode0644)
    {
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
    }
}
