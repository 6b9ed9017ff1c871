using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.Arch.Tests.Support;

/// <summary>Arch specs as the host hands them to the plugin, and a clock fixed in November 2026.</summary>
internal static class ArchSpecs
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static DistroSpec Distro(IReadOnlyList<string>? packages = null, string? mirror = null, string locale = "C.UTF-8", string? release = null, params (string Key, object Value, int Line)[] settings) =>
        Specs.Distro(
            release: release,
            mirror: mirror,
            packages: packages,
            locale: locale,
            settings: settings.ToDictionary(s => s.Key, s => new SpecValue(s.Value, new SourceLocation("/project/Disklessfile", s.Line, 1))),
            name: "arch");

    public static ArchDistro Plugin() => new(new FixedTime(Now));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
