using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Reads <c>[provider]</c> and <c>[share]</c>.</summary>
internal static class ProviderReader
{
    public const string DefaultName = "qemu";

    private static readonly string[] HostKeys = ["name", "accel"];
    private static readonly string[] ShareKeys = ["transport", "msize"];

    public static ProviderSpec Read(TableReader machine, ReadContext context)
    {
        var table = machine.SubTable("provider", "[provider]");
        if (table is null)
        {
            return new ProviderSpec(DefaultName, Accelerator.Auto, new Dictionary<string, SpecValue>(), null);
        }

        var reader = context.Reader(table);
        var name = reader.NonEmptyString("name");
        var accel = reader.Choice("accel", "auto", "kvm", "tcg")?.Value switch
        {
            "kvm" => Accelerator.Kvm,
            "tcg" => Accelerator.Tcg,
            _ => Accelerator.Auto,
        };
        var settings = PluginSectionReader.Settings(reader, HostKeys);
        return new ProviderSpec(name?.Value ?? DefaultName, accel, settings, PluginSectionReader.NameLocation(table, name));
    }

    public static ShareSpec ReadShare(TableReader machine, ReadContext context)
    {
        var table = machine.SubTable("share", "[share]");
        if (table is null)
        {
            return new ShareSpec(null);
        }

        var reader = context.Reader(table);
        reader.RejectUnknown(ShareKeys);
        var transport = Transport(reader);
        var msize = reader.Integer("msize");
        if (msize is { } m && (m.Value < 4096 || m.Value > int.MaxValue))
        {
            reader.Error($"'msize'{table.Context} must be between 4096 and {int.MaxValue}, found {m.Value}", m.Location, $"the default, {ShareSpec.DefaultNinePMsize}, is fast");
            msize = null;
        }

        return new ShareSpec(transport, (int)(msize?.Value ?? ShareSpec.DefaultNinePMsize));
    }

    /// <summary>A <c>transport</c> key: "virtiofs" or "9p"; null when absent or wrong.</summary>
    public static ShareTransport? Transport(TableReader reader) => reader.Choice("transport", "virtiofs", "9p")?.Value switch
    {
        "virtiofs" => ShareTransport.VirtioFs,
        "9p" => ShareTransport.NineP,
        _ => null,
    };
}
