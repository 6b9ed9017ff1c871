using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>Finds the project's Disklessfile the way Vagrant finds a Vagrantfile: here, or in the nearest parent folder.</summary>
public static class DisklessfileLocator
{
    /// <summary>The file name looked for.</summary>
    public const string FileName = "Disklessfile";

    private const string InitHint = "run `diskless init` to create one";

    /// <summary>The Disklessfile in <paramref name="startDirectory"/> or its nearest ancestor; null when there is none.</summary>
    public static string? Find(string startDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(startDirectory);
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// The Disklessfile to use: <paramref name="fileOption"/> (<c>--file</c>, relative to <paramref name="currentDirectory"/>;
    /// a folder means the Disklessfile in it) when given, else the one <see cref="Find"/> finds from the current folder.
    /// Throws <see cref="DisklessException"/> (<see cref="ExitCodes.InvalidConfiguration"/>) when there is none.
    /// </summary>
    public static string Resolve(string? fileOption, string currentDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(currentDirectory);
        if (string.IsNullOrEmpty(fileOption))
        {
            return Find(currentDirectory)
                ?? throw new DisklessException($"no {FileName} in {Path.GetFullPath(currentDirectory)} or any folder above it", InitHint, ExitCodes.InvalidConfiguration);
        }

        var path = Path.GetFullPath(Path.Combine(currentDirectory, fileOption));
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, FileName);
        }

        return File.Exists(path)
            ? path
            : throw new DisklessException($"{path} does not exist", InitHint, ExitCodes.InvalidConfiguration);
    }
}
