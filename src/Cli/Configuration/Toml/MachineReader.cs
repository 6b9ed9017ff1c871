using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Reads one machine from its table (the top level, or a <c>[machines.NAME]</c> table merged over it).</summary>
internal static class MachineReader
{
    public const int DefaultCpus = 2;
    public static readonly MemorySize DefaultMemory = MemorySize.FromMiB(2048);
    public static readonly MemorySize MinimumMemory = MemorySize.FromMiB(128);
    public static readonly TimeSpan DefaultBootTimeout = TimeSpan.FromSeconds(300);

    /// <summary>The keys a machine table may hold.</summary>
    public static readonly string[] MachineKeys = ["cpus", "memory", "size", "boot_timeout", "distro", "provider", "share", "synced_folders", "ports", "provision", "auto_forward", "auto_forward_udp", "auto_forward_privileged"];

    /// <summary>The keys the top level may hold: a machine's, plus its name and the other machines.</summary>
    public static readonly string[] TopLevelKeys = ["name", .. MachineKeys, "machines"];

    public static MachineSpec Read(TomlTable table, string name, IReadOnlyCollection<string> known, ReadContext context)
    {
        var reader = context.Reader(table);
        reader.RejectUnknown(known, entry => entry.Key == "name" && !known.Contains("name")
            ? $"a machine's name is its table's name, e.g. [machines.{name}]"
            : null);
        return new MachineSpec(
            name,
            context.ProjectDirectory,
            context.DisklessfilePath,
            Cpus(reader),
            Memory(reader).MiB,
            DistroReader.Read(reader, context),
            ProviderReader.Read(reader, context),
            ProviderReader.ReadShare(reader, context),
            SyncedFolderReader.Read(reader, context),
            PortReader.Read(reader, context),
            ProvisionReader.Read(reader, context),
            BootTimeout(reader))
        {
            SizeBytes = RootSize(reader)?.Bytes,
            CpusLocation = reader.Table.Get("cpus")?.Value.Location,
            MemoryLocation = reader.Table.Get("memory")?.Value.Location,
            AutoForward = new AutoForwardSpec(
                reader.Boolean("auto_forward")?.Value ?? true,
                reader.Boolean("auto_forward_udp")?.Value ?? false,
                reader.Boolean("auto_forward_privileged")?.Value ?? false),
        };
    }

    private static int Cpus(TableReader reader)
    {
        var cpus = reader.Integer("cpus");
        if (cpus is { } c && (c.Value < 1 || c.Value > 1024))
        {
            reader.Error($"'cpus'{reader.Table.Get("cpus")!.Parent.Context} must be between 1 and 1024, found {c.Value}", c.Location);
            return DefaultCpus;
        }

        return (int)(cpus?.Value ?? DefaultCpus);
    }

    private static MemorySize Memory(TableReader reader)
    {
        var size = Size(reader, "memory", "2GiB");
        if (size is { } memory && memory.Bytes < MinimumMemory.Bytes)
        {
            var entry = reader.Table.Get("memory")!;
            reader.Error($"'memory'{entry.Parent.Context} must be at least {MinimumMemory}, found {memory}", entry.Value.Location, "a Debian guest needs about 256MiB; 1GiB or more is comfortable");
            return DefaultMemory;
        }

        return size ?? DefaultMemory;
    }

    /// <summary>The root's size limit (<c>size = "20GiB"</c>, a btrfs quota); null when unset.</summary>
    private static MemorySize? RootSize(TableReader reader)
    {
        var size = Size(reader, "size", "20GiB");
        if (size is { Bytes: < MinimumRootSize } small)
        {
            var entry = reader.Table.Get("size")!;
            reader.Error($"'size'{entry.Parent.Context} must be at least 1GiB, found {small}", entry.Value.Location, "a Debian root alone takes about 700MiB");
            return null;
        }

        return size;
    }

    private const long MinimumRootSize = 1024L * 1024 * 1024;

    /// <summary>A size in bytes for <paramref name="key"/> (a string with a unit, or a plain number of MiB); null when absent or wrong (wrong is reported).</summary>
    private static MemorySize? Size(TableReader reader, string key, string example)
    {
        if (reader.Table.Get(key) is not { } entry)
        {
            return null;
        }

        var context = entry.Parent.Context;
        MemorySize size;
        switch (entry.Value)
        {
            case TomlScalar { Value: long mebibytes } when mebibytes is >= 0 and < long.MaxValue / (1024 * 1024):
                size = MemorySize.FromMiB(mebibytes);
                break;
            case TomlScalar { Value: string text } when MemorySize.TryParse(text, out var parsed):
                size = parsed;
                break;
            case TomlScalar { Value: string text } when MemorySize.UnitOf(text) is { } unit:
                reader.Error($"unknown unit '{unit}' in {Noun(key)} \"{text}\" for '{key}'{context}", entry.Value.Location, "use " + MemorySize.AcceptedUnits);
                return null;
            default:
                reader.Error($"expected a {Noun(key)} such as \"{example}\" for '{key}'{context}, found {entry.Value.Describe()}", entry.Value.Location, "use " + MemorySize.AcceptedUnits);
                return null;
        }

        return size;
    }

    private static string Noun(string key) => key == "memory" ? "memory size" : "size";

    private static TimeSpan BootTimeout(TableReader reader)
    {
        if (reader.Table.Get("boot_timeout") is not { } entry)
        {
            return DefaultBootTimeout;
        }

        var context = entry.Parent.Context;
        var duration = entry.Value is TomlScalar scalar && DurationValue.TryRead(scalar.Value, out var read) ? read.Value : (TimeSpan?)null;
        if (duration is null)
        {
            reader.Error($"expected a duration for 'boot_timeout'{context}, found {entry.Value.Describe()}", entry.Value.Location, "use " + DurationValue.AcceptedForms);
            return DefaultBootTimeout;
        }

        if (duration <= TimeSpan.Zero)
        {
            reader.Error($"'boot_timeout'{context} must be longer than zero", entry.Value.Location, "the default is 300s");
            return DefaultBootTimeout;
        }

        return duration.Value;
    }
}
