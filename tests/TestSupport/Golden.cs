using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace Diskless.Testing;

/// <summary>
/// Golden files: expected output kept beside the test source under Golden/. Set DISKLESS_UPDATE_GOLDEN=1 to
/// (re)write them from the actual output, then review the diff like any other change.
/// </summary>
public static class Golden
{
    private static bool Updating => Environment.GetEnvironmentVariable("DISKLESS_UPDATE_GOLDEN") == "1";

    /// <summary>Asserts that <paramref name="actual"/> equals the golden file <paramref name="name"/> (a path under Golden/).</summary>
    public static void AssertText(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var path = GoldenPath(name, callerFile);
        actual = Normalize(actual);
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with DISKLESS_UPDATE_GOLDEN=1 to create it.");
        var expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            Assert.Fail($"Output differs from golden file {path} (DISKLESS_UPDATE_GOLDEN=1 rewrites it):\n{Diff(expected, actual)}");
        }
    }

    /// <summary>
    /// Asserts that the files under <paramref name="directory"/> equal the golden folder <paramref name="name"/>:
    /// the same relative paths, the same contents, and the same permission bits (listed in a MODES file).
    /// </summary>
    public static void AssertTree(string directory, string name, [CallerFilePath] string callerFile = "")
    {
        var root = GoldenPath(name, callerFile);
        var files = Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var modes = string.Join('\n', files.Select(f => $"{Mode(Path.Combine(directory, f))} {f}")) + "\n";
        if (Updating)
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            foreach (var file in files)
            {
                var target = Path.Combine(root, "files", file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(directory, file), target);
            }

            File.WriteAllText(Path.Combine(root, "MODES"), modes);
            return;
        }

        AssertText(modes, Path.Combine(name, "MODES"), callerFile);
        foreach (var file in files)
        {
            AssertText(File.ReadAllText(Path.Combine(directory, file)), Path.Combine(name, "files", file), callerFile);
        }
    }

    private static string Mode(string path) =>
        Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');

    private static string GoldenPath(string name, string callerFile) =>
        Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden", name);

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var sb = new StringBuilder();
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el != al)
            {
                sb.AppendLine($"line {i + 1}:\n  expected: {el}\n  actual:   {al}");
                if (sb.Length > 4000)
                {
                    break;
                }
            }
        }

        return sb.ToString();
    }
}
