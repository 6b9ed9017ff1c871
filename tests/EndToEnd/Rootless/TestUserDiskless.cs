using System.Globalization;
using Diskless.Testing;

namespace Diskless.EndToEnd.Rootless;

/// <summary>
/// Runs the built diskless program as the ordinary test user, as that user would: runuser with a clean environment,
/// the user's own data dir, no sudo. The program is copied where the user can read it (the clone may sit in root's
/// home), once per test run.
/// </summary>
public static class TestUserDiskless
{
    private static readonly Lazy<string> CopiedProgram = new(CopyProgram);

    /// <summary>The test user's data dir, kept between runs so its rootless base is built once.</summary>
    public static string DataDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("DISKLESS_TEST_HOME") ?? "/var/tmp/diskless-test-home", "e2e-" + TestUser.Name);

    public static (long Uid, long Gid) Ids()
    {
        var fields = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == TestUser.Name);
        return (long.Parse(fields[2], CultureInfo.InvariantCulture), long.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    /// <summary>The first id of the test user's subordinate range in <paramref name="file"/> (/etc/subuid or /etc/subgid).</summary>
    public static long RangeStart(string file)
    {
        var fields = File.ReadLines(file).Select(l => l.Split(':')).First(f => f[0] == TestUser.Name);
        return long.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Makes the user's data dir (theirs, in a folder everybody may traverse).</summary>
    public static async Task PrepareDataDirectoryAsync()
    {
        var parent = Path.GetDirectoryName(DataDirectory)!;
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        Directory.CreateDirectory(DataDirectory);
        await ChownAsync(DataDirectory, recursive: false);
    }

    public static async Task ChownAsync(string path, bool recursive)
    {
        var (uid, gid) = Ids();
        await CliWrap.Cli.Wrap("chown").WithArguments(recursive ? ["-R", $"{uid}:{gid}", path] : [$"{uid}:{gid}", path]).RunWithTimeoutAsync();
    }

    public static Task<CliRun> RunAsync(string projectDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(projectDirectory, timeout, null, arguments);

    /// <summary>
    /// Runs diskless as the user; with <paramref name="descriptorLimit"/> under that open-file limit (soft and hard, set by
    /// prlimit as the user, who may lower it), as a host with that limit would: what diskless starts inherits it.
    /// </summary>
    public static Task<CliRun> RunAsync(string projectDirectory, TimeSpan timeout, int? descriptorLimit, params string[] arguments)
    {
        var home = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == TestUser.Name)[5];
        string[] environment =
        [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME=" + home,
            "USER=" + TestUser.Name,
            "LOGNAME=" + TestUser.Name,
            "DISKLESS_HOME=" + DataDirectory,
        ];
        return DisklessProcess.RunProgramAsync(
            "runuser",
            ["-u", TestUser.Name, "--", .. Limited(descriptorLimit), "env", "-i", .. environment, CopiedProgram.Value, .. arguments],
            projectDirectory,
            timeout,
            new Dictionary<string, string?>());
    }

    private static string[] Limited(int? descriptorLimit)
    {
        var limit = descriptorLimit?.ToString(CultureInfo.InvariantCulture);
        return limit is null ? [] : ["prlimit", $"--nofile={limit}:{limit}", "--"];
    }

    private static string CopyProgram()
    {
        var source = Path.GetDirectoryName(DisklessProcess.Program)!;
        var target = Path.Combine("/var/tmp", "diskless-e2e-program-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Copy(new DirectoryInfo(source), Directory.CreateDirectory(target));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(target, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return Path.Combine(target, Path.GetFileName(DisklessProcess.Program));
    }

    private static void Copy(DirectoryInfo source, DirectoryInfo target)
    {
        File.SetUnixFileMode(target.FullName, (UnixFileMode)0b111_101_101);
        foreach (var file in source.EnumerateFiles())
        {
            var copy = file.CopyTo(Path.Combine(target.FullName, file.Name));
            copy.UnixFileMode = file.UnixFileMode | UnixFileMode.OtherRead | UnixFileMode.GroupRead;
        }

        foreach (var folder in source.EnumerateDirectories())
        {
            Copy(folder, target.CreateSubdirectory(folder.Name));
        }
    }
}
