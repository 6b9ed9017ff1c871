using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>
/// Reads <c>[[provision]]</c>: each entry has exactly one of <c>shell</c> (an inline command), <c>script</c> (a host
/// file) or <c>file = { source, destination }</c> (an upload); <c>privileged</c> and <c>env</c> go with shell and script.
/// </summary>
internal static class ProvisionReader
{
    private static readonly string[] Keys = ["shell", "script", "file", "privileged", "env"];
    private static readonly string[] Kinds = ["shell", "script", "file"];
    private static readonly string[] FileKeys = ["source", "destination"];

    public static IReadOnlyList<Provisioner> Read(TableReader machine, ReadContext context)
    {
        var provisioners = new List<Provisioner>();
        foreach (var table in machine.Tables("provision") ?? [])
        {
            if (ReadOne(context.Reader(table), context) is { } provisioner)
            {
                provisioners.Add(provisioner);
            }
        }

        return provisioners;
    }

    private static Provisioner? ReadOne(TableReader reader, ReadContext context)
    {
        var table = reader.Table;
        reader.RejectUnknown(Keys);
        var kinds = table.Entries.Where(e => Kinds.Contains(e.Key)).ToList();
        if (kinds.Count == 0)
        {
            // A misspelt 'shel' is already reported with its suggestion; saying "needs one of" too would only repeat it.
            if (table.Entries.Any(e => !Keys.Contains(e.Key) && Suggestions.Closest(e.Key, Keys) is { } key && Kinds.Contains(key)))
            {
                return null;
            }

            reader.Error($"an entry{table.Context} needs one of 'shell', 'script' or 'file'", table.Location, "e.g. shell = \"apt-get install -y git\"");
            return null;
        }

        foreach (var extra in kinds.Skip(1))
        {
            reader.Error($"'{extra.Key}' cannot be combined with '{kinds[0].Key}' in one entry{table.Context}", extra.KeyLocation, "write a separate [[provision]] entry for each");
        }

        var privileged = reader.Boolean("privileged");
        var environment = Environment(reader);
        switch (kinds[0].Key)
        {
            case "file":
                foreach (var key in new[] { "privileged", "env" }.Where(k => table.Get(k) is not null))
                {
                    reader.Error($"'{key}'{table.Context} applies only to shell and script provisioners", table.Get(key)!.KeyLocation, "remove it from this file entry");
                }

                return File(reader, context);
            case "script":
                var script = reader.NonEmptyString("script", "name a script, relative to the Disklessfile");
                return script is { } s
                    ? new ShellProvisioner(null, context.HostPath(s.Value), privileged?.Value ?? true, environment, s.Location)
                    : null;
            default:
                var shell = reader.NonEmptyString("shell", "write a command, or remove the entry");
                return shell is { } c
                    ? new ShellProvisioner(c.Value, null, privileged?.Value ?? true, environment, c.Location)
                    : null;
        }
    }

    private static FileProvisioner? File(TableReader reader, ReadContext context)
    {
        var file = reader.SubTable("file", "file = { source = \"config/app.conf\", destination = \"/etc/app.conf\" }");
        if (file is null)
        {
            return null;
        }

        var fileReader = context.Reader(file);
        fileReader.RejectUnknown(FileKeys);
        var source = fileReader.NonEmptyString("source", "name a host file, relative to the Disklessfile");
        var destination = GuestPath.Read(fileReader, "destination");
        foreach (var key in FileKeys.Where(k => file.Get(k) is null))
        {
            fileReader.Error($"missing '{key}' in 'file'{reader.Table.Context}", file.Location, "write file = { source = \"config/app.conf\", destination = \"/etc/app.conf\" }");
        }

        return source is { } s && destination is { } d
            ? new FileProvisioner(context.HostPath(s.Value), d.Value, s.Location)
            : null;
    }

    private static Dictionary<string, string> Environment(TableReader reader)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.SubTable("env", "env = { NAME = \"value\" }") is not { } env)
        {
            return variables;
        }

        foreach (var entry in env.Entries)
        {
            if (!NameRules.IsEnvironmentName(entry.Key))
            {
                reader.Error($"'{entry.Key}' in 'env'{reader.Table.Context} is not a valid environment variable name", entry.KeyLocation, "use letters, digits and '_', not starting with a digit");
            }
            else if (entry.Value is TomlScalar { Value: string text })
            {
                variables[entry.Key] = text;
            }
            else
            {
                reader.Error($"expected a string for '{entry.Key}' in 'env'{reader.Table.Context}, found {entry.Value.Describe()}", entry.Value.Location, $"quote it: {entry.Key} = \"...\"");
            }
        }

        return variables;
    }
}
