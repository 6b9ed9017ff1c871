using System.Text.RegularExpressions;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Processes;

/// <summary>
/// A root folder holding only busybox and the libraries it links, enough for chroot tests. Disposal never deletes
/// through a mount: a leaked /dev bind would otherwise have the host's device nodes removed with it.
/// </summary>
internal sealed partial class TinyRoot : IAsyncDisposable
{
    private TinyRoot(string path) => Path = path;

    public string Path { get; }

    public static async Task<TinyRoot> CreateAsync(params string[] moreApplets)
    {
        var root = new TinyRoot(Directory.CreateTempSubdirectory("diskless-tinyroot-").FullName);
        var busybox = ExecutableFinder.Find("busybox") ?? throw new InvalidOperationException("busybox is needed (apt-get install -y busybox)");
        var ldd = await new CliWrapCommandRunner(new RecordingProgress())
            .RunAsync(new CommandSpec("ldd", busybox) { SuccessExitCodes = [0, 1] }, CancellationToken.None);
        foreach (Match library in LibraryPath().Matches(ldd.StandardOutput))
        {
            root.Copy(library.Groups["path"].Value, library.Groups["path"].Value);
        }

        root.Copy(busybox, "/bin/busybox");
        foreach (var applet in new[] { "sh", "cat", "sleep" }.Concat(moreApplets))
        {
            File.CreateSymbolicLink(root.Path + "/bin/" + applet, "busybox");
        }

        return root;
    }

    public async ValueTask DisposeAsync()
    {
        if (MountTable.Under(Path).Count > 0)
        {
            await new CliWrapCommandRunner(new RecordingProgress())
                .RunAsync(new CommandSpec("umount", "-R", "-l", Path + "/dev") { SuccessExitCodes = [0, 32] }, CancellationToken.None);
        }

        if (MountTable.Under(Path).Count == 0)
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private void Copy(string hostFile, string guestPath)
    {
        var target = Path + guestPath;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(hostFile, target, overwrite: true);
    }

    [GeneratedRegex(@"(?<path>/[^\s]+) \(0x", RegexOptions.CultureInvariant)]
    private static partial Regex LibraryPath();
}
