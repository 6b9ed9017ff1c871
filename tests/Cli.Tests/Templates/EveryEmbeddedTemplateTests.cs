using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Diskless.Cli.Templates;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Templates;

/// <summary>
/// Parses every template the program and its bundled plugins embed, so a syntax error in a branch no other test
/// reaches still fails the suite, with the template's name, line and column.
/// </summary>
public sealed class EveryEmbeddedTemplateTests
{
    [Fact]
    public void Every_template_of_the_program_and_its_plugins_is_embedded_and_parses()
    {
        var context = new AssemblyLoadContext("templates", isCollectible: true);
        try
        {
            var embedded = Owners(context)
                .SelectMany(owner => EmbeddedTemplates.Names(owner).Select(name => (Owner: owner, Name: name)))
                .ToList();

            var errors = new List<string>();
            foreach (var (owner, name) in embedded)
            {
                try
                {
                    EmbeddedTemplates.Parse(owner, name);
                }
                catch (TemplateException e)
                {
                    errors.Add(e.Message);
                }
            }

            Assert.True(errors.Count == 0, string.Join("\n", errors));
            Assert.Equal(SourceTemplates(), embedded.Select(t => t.Name).Order(StringComparer.Ordinal));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void A_syntax_error_fails_parsing_with_the_template_line_and_column()
    {
        var error = Assert.Throws<TemplateException>(() => EmbeddedTemplates.Parse(typeof(EveryEmbeddedTemplateTests).Assembly, "broken.liquid"));

        Assert.Equal((4, 4), (error.Line, error.Column));
    }

    // The program (ssh-config, the starter Disklessfile) and each bundled plugin folder, PluginSupport once: plugin
    // assemblies load into their own context, which needs none of their dependencies to read resources.
    private static IEnumerable<Assembly> Owners(AssemblyLoadContext context) =>
        new[] { typeof(ScribanTemplates).Assembly }.Concat(
            Directory.GetDirectories(BuildOutput.PluginsDirectory)
                .SelectMany(folder => Directory.GetFiles(folder, "Diskless.*.dll"))
                .DistinctBy(Path.GetFileName)
                .Order(StringComparer.Ordinal)
                .Select(context.LoadFromAssemblyPath));

    private static List<string> SourceTemplates([CallerFilePath] string here = "")
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
        return new[] { "src", "plugins" }
            .SelectMany(top => Directory.GetFiles(Path.Combine(root, top), "*.liquid", SearchOption.AllDirectories))
            .Where(path => Path.GetFileName(Path.GetDirectoryName(path)) == "Templates")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList()!;
    }
}
