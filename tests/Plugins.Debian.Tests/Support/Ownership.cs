using System.Diagnostics;
using System.Globalization;

namespace Diskless.Plugins.Debian.Tests.Support;

/// <summary>The owner of a path itself (a link's own, never its target's), read with stat(1): .NET has no API for it.</summary>
internal static class Ownership
{
    public static (int Uid, int Gid) Of(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u %g", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        Assert.True(stat.ExitCode == 0, $"stat {path} failed");
        var fields = output.Trim().Split(' ');
        return (int.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
