using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Reads every machine of a document: the top level alone, or each <c>[machines.NAME]</c> over the top level.</summary>
internal static class ProjectReader
{
    private static readonly HashSet<string> NotInherited = ["name", "machines"];

    public static IReadOnlyList<MachineSpec> Read(TomlTable root, ReadContext context)
    {
        var reader = context.Reader(root);
        var machines = root.Get("machines") is null ? Single(reader, context) : Several(reader, context);
        RejectSharedHostPorts(machines, context);
        return machines;
    }

    private static List<MachineSpec> Single(TableReader reader, ReadContext context)
    {
        var name = reader.String("name");
        if (name is { } n && !NameRules.IsHostname(n.Value))
        {
            reader.Error($"'{n.Value}' is not a valid machine name", n.Location, HostnameHint(n.Value));
        }

        var machineName = name?.Value ?? NameRules.ToHostname(Path.GetFileName(context.ProjectDirectory));
        return [MachineReader.Read(reader.Table, machineName, MachineReader.TopLevelKeys, context)];
    }

    private static List<MachineSpec> Several(TableReader reader, ReadContext context)
    {
        var root = reader.Table;
        if (root.Get("name") is { } topName)
        {
            reader.Error("'name' cannot be used with [machines.*]", topName.KeyLocation, "each machine is named by its table, e.g. [machines.web]");
        }

        var machines = new List<MachineSpec>();
        if (reader.SubTable("machines", "[machines.web]") is not { } table)
        {
            return machines;
        }

        foreach (var entry in table.Entries)
        {
            if (entry.Value is not TomlTable { IsArrayElement: false } machineTable)
            {
                reader.Error($"expected a table for machine '{entry.Key}', found {entry.Value.Describe()}", entry.Value.Location, $"write it as [machines.{entry.Key}]");
                continue;
            }

            if (!NameRules.IsHostname(entry.Key))
            {
                reader.Error($"'{entry.Key}' is not a valid machine name", entry.KeyLocation, HostnameHint(entry.Key));
            }

            var merged = TableMerger.Merge(root, machineTable, NotInherited);
            machines.Add(MachineReader.Read(merged, entry.Key, MachineReader.MachineKeys, context));
        }

        if (table.Entries.Count == 0)
        {
            reader.Error("[machines] defines no machine", table.Location, "add a table such as [machines.web], or remove [machines]");
        }

        return machines;
    }

    private static string HostnameHint(string name) => $"{NameRules.HostnameRule}, e.g. '{NameRules.ToHostname(name)}'";

    private static void RejectSharedHostPorts(List<MachineSpec> machines, ReadContext context)
    {
        // Keyed by "port/protocol", not a tuple: a dictionary of tuples is compiled at run time, on every command's start.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var machine in machines)
        {
            foreach (var port in machine.Ports)
            {
                var key = $"{port.Host}/{port.Protocol}";
                if (!owners.TryAdd(key, machine.Name) && owners[key] != machine.Name)
                {
                    context.Issues.Add(new SpecIssue(
                        $"host port {port.Host}/{port.Protocol} is forwarded by both machine '{owners[key]}' and machine '{machine.Name}'",
                        port.Location,
                        $"give each machine its own host port, e.g. in [[machines.{machine.Name}.ports]]"));
                }
            }
        }
    }
}
