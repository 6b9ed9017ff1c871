using Xunit;

namespace Diskless.Testing;

/// <summary>
/// A fact that boots a real Arch machine, so it needs an Arch mirror: one named by <see cref="MirrorVariable"/>
/// (a mirrorlist Server line, with $repo and $arch). Without one the test is skipped with that reason, also under
/// DISKLESS_REQUIRE_ALL=1: no Arch mirror is reachable from the machines CI runs on, and a test that cannot reach
/// its input must say so rather than fail the suite or pass.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresArchMirrorFactAttribute : FactAttribute
{
    public const string MirrorVariable = "DISKLESS_ARCH_MIRROR";

    /// <summary>Names the programs the test needs besides the mirror.</summary>
    public RequiresArchMirrorFactAttribute(params string[] programs)
    {
        Programs = programs;
    }

    public string[] Programs { get; }

    /// <summary>The mirror to build from; null when none is named.</summary>
    public static string? Mirror => Environment.GetEnvironmentVariable(MirrorVariable) is { Length: > 0 } mirror ? mirror : null;

    public override string? Skip
    {
        get => base.Skip
            ?? (Mirror is null ? $"needs an Arch mirror named by {MirrorVariable} (e.g. https://geo.mirror.pkgbuild.com/$repo/os/$arch); none is reachable from these machines" : null)
            ?? Prerequisites.Missing(root: false, Programs);
        set => base.Skip = value;
    }
}
