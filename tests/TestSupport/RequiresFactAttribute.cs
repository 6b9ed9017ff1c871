using Xunit;

namespace Diskless.Testing;

/// <summary>
/// A fact that needs real host parts (root, programs on PATH, a usable data dir). Where one is missing the
/// test is reported as skipped with the reason — never as passed. With DISKLESS_REQUIRE_ALL=1 (set by
/// scripts/test, so in CI) nothing is skipped: a missing prerequisite makes the test fail instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresFactAttribute : FactAttribute
{
    /// <summary>Names the programs the test needs on PATH (or as absolute paths).</summary>
    public RequiresFactAttribute(params string[] programs)
    {
        Programs = programs;
    }

    public string[] Programs { get; }

    /// <summary>The test needs to run as root (debootstrap, chroot, mounts).</summary>
    public bool Root { get; set; }

    /// <summary>The test acts as the ordinary host user <see cref="TestUser"/> that scripts/test creates.</summary>
    public bool OtherUser { get; set; }

    /// <summary>The test mounts a filesystem image through a loop device (a btrfs image it makes).</summary>
    public bool LoopDevices { get; set; }

    public override string? Skip
    {
        get => base.Skip ?? Prerequisites.Missing(Root, Programs) ?? (OtherUser ? Prerequisites.MissingTestUser() : null) ?? (LoopDevices ? Prerequisites.MissingLoopDevices() : null);
        set => base.Skip = value;
    }
}

/// <summary>Checks for host prerequisites.</summary>
public static class Prerequisites
{
    /// <summary>Why the test cannot run here, or null when it can (or must, under DISKLESS_REQUIRE_ALL=1).</summary>
    public static string? Missing(bool root, IEnumerable<string> programs)
    {
        if (Environment.GetEnvironmentVariable("DISKLESS_REQUIRE_ALL") == "1")
        {
            return null;
        }

        var missing = new List<string>();
        if (root && Environment.UserName != "root")
        {
            missing.Add("root");
        }

        missing.AddRange(programs.Where(p => FindProgram(p) is null));
        return missing.Count == 0 ? null : "needs " + string.Join(", ", missing) + " (scripts/test installs them)";
    }

    /// <summary>Why the ordinary test user cannot be used here, or null when it can (or must, under DISKLESS_REQUIRE_ALL=1).</summary>
    public static string? MissingTestUser()
    {
        if (Environment.GetEnvironmentVariable("DISKLESS_REQUIRE_ALL") == "1")
        {
            return null;
        }

        return TestUser.Uid() is null ? $"needs the test user {TestUser.Name} (scripts/test creates it)" : null;
    }

    /// <summary>Why loop devices cannot be used here (a container without /dev/loop-control), or null when they can (or must, under DISKLESS_REQUIRE_ALL=1).</summary>
    public static string? MissingLoopDevices()
    {
        if (Environment.GetEnvironmentVariable("DISKLESS_REQUIRE_ALL") == "1")
        {
            return null;
        }

        return File.Exists("/dev/loop-control") ? null : "loop devices are not permitted here (no /dev/loop-control)";
    }

    /// <summary>The absolute path of a program on PATH (or the path itself when absolute and present); null when absent.</summary>
    public static string? FindProgram(string program)
    {
        if (Path.IsPathRooted(program))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}
