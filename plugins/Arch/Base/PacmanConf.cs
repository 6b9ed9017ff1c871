using Diskless.Abstractions;

namespace Diskless.Plugins.Arch.Base;

/// <summary>Renders our pacman.conf: the one pacstrap builds with, and the guest's own.</summary>
internal static class PacmanConf
{
    public static string ForBuild(ITemplates templates, BaseSpec spec, string keyringDirectory) =>
        templates.Render(typeof(ArchDistro).Assembly, "pacman.conf.liquid", new PacmanConfModel(
            true, spec.Architecture, keyringDirectory, BasePlanner.CheckSignatures(spec), BasePlanner.Repositories(spec), spec.Mirror));

    public static string ForGuest(ITemplates templates, DistroSpec spec) =>
        templates.Render(typeof(ArchDistro).Assembly, "pacman.conf.liquid", new PacmanConfModel(
            false, ArchDefaults.Architecture, "", ArchSettings.CheckSignatures(spec), ArchSettings.Repositories(spec), ArchSettings.Mirror(spec)));

    public static string Mirrorlist(ITemplates templates, DistroSpec spec) =>
        templates.Render(typeof(ArchDistro).Assembly, "mirrorlist.liquid", new MirrorlistModel(ArchSettings.Mirror(spec)));
}
