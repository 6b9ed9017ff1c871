namespace Diskless.Cli.Configuration.Toml;

/// <summary>Guest paths: absolute, never the guest's root itself, without a trailing slash.</summary>
internal static class GuestPath
{
    public static Located<string>? Read(TableReader reader, string key)
    {
        if (reader.String(key) is not { } value)
        {
            return null;
        }

        var context = reader.Table.Get(key)!.Parent.Context;
        if (!value.Value.StartsWith('/'))
        {
            reader.Error($"guest path '{value.Value}' for '{key}'{context} must be absolute", value.Location, $"write '/{value.Value.TrimStart('.', '/')}'");
            return null;
        }

        var normalized = value.Value.Length > 1 ? value.Value.TrimEnd('/') : value.Value;
        if (normalized.Length == 0 || normalized == "/")
        {
            reader.Error($"guest path '/' for '{key}'{context} is the machine's own root", value.Location, "choose a folder such as '/project'");
            return null;
        }

        return value with { Value = normalized };
    }
}
