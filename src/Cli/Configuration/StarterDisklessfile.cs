using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>The view model of <c>Templates/Disklessfile.starter.liquid</c>, the file <c>diskless init</c> writes.</summary>
/// <param name="Name">The machine name, a valid hostname.</param>
public sealed record StarterDisklessfile(string Name)
{
    /// <summary>The template's name.</summary>
    public const string TemplateName = "Disklessfile.starter.liquid";

    /// <summary>Renders the starter Disklessfile for a machine named after <paramref name="name"/> (made a valid hostname).</summary>
    public static string Render(ITemplates templates, string name)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(name);
        var hostname = NameRules.IsHostname(name) ? name : NameRules.ToHostname(name);
        return templates.Render(typeof(StarterDisklessfile).Assembly, TemplateName, new StarterDisklessfile(hostname));
    }
}
