namespace Diskless.Cli.Tests.Configuration;

/// <summary>A throw-away project folder with a Disklessfile, removed again on dispose.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject(string disklessfile = "")
    {
        Root = Path.Combine(Path.GetTempPath(), "diskless-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        DisklessfilePath = Path.Combine(Root, "Disklessfile");
        File.WriteAllText(DisklessfilePath, disklessfile);
    }

    public string Root { get; }

    public string DisklessfilePath { get; }

    public string CreateFolder(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    public string CreateFile(string relative, string text = "")
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
