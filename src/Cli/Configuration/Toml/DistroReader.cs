using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Reads <c>[distro]</c>.</summary>
internal static class DistroReader
{
    public const string DefaultName = "debian";
    public const string DefaultUser = "diskless";
    public const string DefaultLocale = "C.UTF-8";
    public const string DefaultTimezone = "Etc/UTC";

    private static readonly string[] HostKeys = ["name", "release", "mirror", "packages", "user", "locale", "timezone"];

    public static DistroSpec Read(TableReader machine, ReadContext context)
    {
        var table = machine.SubTable("distro", "[distro]");
        if (table is null)
        {
            return new DistroSpec(DefaultName, null, null, [], DefaultUser, DefaultLocale, DefaultTimezone, new Dictionary<string, SpecValue>(), null);
        }

        var reader = context.Reader(table);
        var name = NonEmpty(reader, "name");
        var packages = reader.StringArray("packages");
        foreach (var package in packages?.Value ?? [])
        {
            if (string.IsNullOrWhiteSpace(package) || package.Any(char.IsWhiteSpace))
            {
                reader.Error($"'{package}' in 'packages'{table.Context} is not a package name", packages!.Value.Location, "write one package per string, e.g. [\"git\", \"curl\"]");
            }
        }

        var user = NonEmpty(reader, "user");
        if (user is { } u && (!NameRules.IsUserName(u.Value) || u.Value == "root"))
        {
            reader.Error(
                $"'{u.Value}' is not a valid 'user'{table.Get("user")!.Parent.Context}",
                u.Location,
                u.Value == "root" ? "root always exists; name the login user it creates, e.g. \"diskless\"" : NameRules.UserNameRule);
        }

        var settings = PluginSectionReader.Settings(reader, HostKeys);
        return new DistroSpec(
            name?.Value ?? DefaultName,
            NonEmpty(reader, "release")?.Value,
            NonEmpty(reader, "mirror")?.Value,
            packages?.Value ?? [],
            user?.Value ?? DefaultUser,
            NonEmpty(reader, "locale")?.Value ?? DefaultLocale,
            NonEmpty(reader, "timezone")?.Value ?? DefaultTimezone,
            settings,
            PluginSectionReader.NameLocation(table, name));
    }

    /// <summary>A string that must not be empty: an empty one is reported and treated as absent.</summary>
    internal static Located<string>? NonEmpty(TableReader reader, string key, string? hint = "remove the key to use the default")
    {
        var value = reader.String(key);
        if (value is { Value.Length: 0 } empty)
        {
            reader.Error($"'{key}'{reader.Table.Get(key)!.Parent.Context} is empty", empty.Location, hint);
            return null;
        }

        return value;
    }
}
