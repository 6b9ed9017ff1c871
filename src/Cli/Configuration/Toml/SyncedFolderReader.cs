using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Reads <c>[[synced_folders]]</c>. Whether a host folder exists is the validator's question, not the parser's.</summary>
internal static class SyncedFolderReader
{
    private static readonly string[] Keys = ["host", "guest", "read_only", "transport", "security_model", "watch"];

    public static IReadOnlyList<SyncedFolder> Read(TableReader machine, ReadContext context)
    {
        var folders = new List<SyncedFolder>();
        var guestPaths = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var table in machine.Tables("synced_folders") ?? [])
        {
            var reader = context.Reader(table);
            reader.RejectUnknown(Keys);
            var host = reader.NonEmptyString("host", "use \".\" for the project folder");
            var guest = GuestPath.Read(reader, "guest");
            if (host is null && table.Get("host") is null)
            {
                reader.Error($"missing 'host'{table.Context}", table.Location, "add host = \".\" (a folder, relative to the Disklessfile)");
            }

            if (guest is null && table.Get("guest") is null)
            {
                reader.Error($"missing 'guest'{table.Context}", table.Location, "add guest = \"/project\" (an absolute path in the guest)");
            }

            var readOnly = reader.Boolean("read_only");
            var watch = reader.Boolean("watch");
            if (watch is { Value: true } on && readOnly?.Value == true)
            {
                // The guest hears a host edit only through an operation of its own on the file, which a read-only mount refuses.
                reader.Error($"'watch = true'{table.Context} needs a writable folder, but this one is read_only", on.Location, "remove watch, or read_only");
            }

            var transport = ProviderReader.Transport(reader);
            var securityModel = reader.Choice("security_model", "passthrough", "mapped-xattr", "mapped-file", "none");
            if (securityModel is { } model && transport == ShareTransport.VirtioFs)
            {
                reader.Error($"'security_model'{table.Context} applies only to 9p, but this folder uses virtiofs", model.Location, "remove security_model, or set transport = \"9p\"");
            }
            else if (securityModel is { Value: "passthrough" or "none" } hostModes && readOnly?.Value != true)
            {
                // QEMU serves 9p, where no setuid filter can be put: a mode the guest sets would land on the host file.
                reader.Error(
                    $"security_model = \"{hostModes.Value}\"{table.Context} lets the guest leave setuid and setgid files in a writable host folder, which other host users who reach it could run",
                    hostModes.Location,
                    "remove security_model (9p then keeps the guest's modes in xattrs: mapped-xattr), or set read_only = true, or transport = \"virtiofs\"");
            }

            if (guest is { } g)
            {
                if (guestPaths.TryGetValue(g.Value, out var first))
                {
                    reader.Error($"guest path '{g.Value}' is already used by the synced folder at {first}", g.Location, "mount each folder at its own guest path");
                }
                else
                {
                    guestPaths[g.Value] = g.Location;
                }
            }

            if (host is { } h && guest is { } gp)
            {
                folders.Add(new SyncedFolder(context.HostPath(h.Value), gp.Value, readOnly?.Value ?? false, transport, securityModel?.Value, h.Location, watch?.Value ?? readOnly?.Value != true));
            }
        }

        return folders;
    }
}
