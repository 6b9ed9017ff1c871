using System.CommandLine;
using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless plugins</c>: every plugin found, loaded, with its state.</summary>
internal static class PluginsCommand
{
    public static Command Create(DisklessServices context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("plugins", "List the distro and provider plugins, where they are and whether they load") { json };
        command.SetAction((result, _) =>
        {
            var plugins = context.Plugins.DescribeAll();
            if (result.GetValue(json))
            {
                CliJson.Write(context.Out, plugins.Select(p => new
                {
                    p.Name,
                    p.Kind,
                    p.Version,
                    p.Folder,
                    p.Description,
                    p.MissingCapabilities,
                    p.Error,
                    p.Status,
                }));
            }
            else if (plugins.Count == 0)
            {
                context.Error.WriteLine($"no plugins found in: {string.Join(", ", context.Plugins.SearchFolders)}");
            }
            else
            {
                TextTable.Write(
                    context.Out,
                    ["NAME", "KIND", "VERSION", "FOLDER", "STATUS"],
                    plugins.Select(p => (IReadOnlyList<string>)[p.Name, KindName(p.Kind), p.Version ?? "-", p.Folder, p.Status]));
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static string KindName(PluginKind? kind) => kind switch
    {
        PluginKind.Distro => "distro",
        PluginKind.Provider => "provider",
        _ => "-",
    };
}
