using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Reads <c>[distro]</c>.</summary>
internal static class DistroReader
{
    public const string DefaultName = "debian";
    public const string DefaultUser = "diskless";
    public const string DefaultLocale = "C.UTF-8";
    public const string DefaultTimezone = "Etc/UTC";

    public static DistroSpec Read(TableReader machine, ReadContext context)
    {
        var table = machine.SubTable("distro", "[distro]");
        if (table is null)
        {
            return new DistroSpec(DefaultName, null, null, [], DefaultUser, DefaultLocale, DefaultTimezone, new Dictionary<string, SpecValue>(), null);
        }

        var reader = context.Reader(table);
        var name = reader.NonEmptyString("name");
        var packages = reader.StringArray("packages");
        foreach (var package in packages?.Value ?? [])
        {
            if (string.IsNullOrWhiteSpace(package) || package.Any(char.IsWhiteSpace))
            {
                reader.Error($"'{package}' in 'packages'{table.Context} is not a package name", packages!.Value.Location, "write one package per string, e.g. [\"git\", \"curl\"]");
            }
        }

        var user = reader.NonEmptyString("user");
        if (user is { } u && (!NameRules.IsUserName(u.Value) || u.Value == "root"))
        {
            reader.Error(
                $"'{u.Value}' is not a valid 'user'{table.Get("user")!.Parent.Context}",
                u.Location,
                u.Value == "root" ? "root always exists; name the login user it creates, e.g. \"diskless\"" : NameRules.UserNameRule);
        }

        var settings = PluginSectionReader.Settings(reader, DistroKeys.HostKeys);
        return new DistroSpec(
            name?.Value ?? DefaultName,
            reader.NonEmptyString("release")?.Value,
            reader.NonEmptyString("mirror")?.Value,
            packages?.Value ?? [],
            user?.Value ?? DefaultUser,
            reader.NonEmptyString("locale")?.Value ?? DefaultLocale,
            reader.NonEmptyString("timezone")?.Value ?? DefaultTimezone,
            settings,
            PluginSectionReader.NameLocation(table, name));
    }
}
