namespace Diskless.Cli.Tests.Plugins;

/// <summary>A fresh folder under /tmp, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "diskless-clitest-" + Guid.NewGuid().ToString("n"));

    public string Sub(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Copies a plugin folder (or any folder) into this one under <paramref name="name"/>.</summary>
    public string CopyFolder(string source, string name)
    {
        var target = Sub(name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Writes a plugin folder holding only a manifest (and optionally a fake assembly).</summary>
    public string WritePlugin(string folderName, string manifestJson, string? assemblyFile = null, byte[]? assemblyBytes = null)
    {
        var folder = Sub(folderName);
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, "plugin.json"), manifestJson);
        if (assemblyFile is not null)
        {
            File.WriteAllBytes(System.IO.Path.Combine(folder, assemblyFile), assemblyBytes ?? []);
        }

        return folder;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A plugin assembly loaded from here stays mapped for the test process's lifetime; /tmp is cleaned anyway.
        }
    }
}
