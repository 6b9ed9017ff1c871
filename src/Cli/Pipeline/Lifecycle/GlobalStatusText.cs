using Diskless.Cli.Commands;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>global-status</c> for people: one table row per machine, then a line for each machine that needs a word more (an
/// orphan and the command that removes it, a crash, a state that could not be read).
/// </summary>
internal static class GlobalStatusText
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<GlobalMachineRow> rows, IReadOnlyList<string> dataDirectories)
    {
        if (rows.Count == 0)
        {
            await output.WriteLineAsync("no machines in " + (dataDirectories.Count == 0 ? "any data dir" : string.Join(", ", dataDirectories))).ConfigureAwait(false);
            return;
        }

        var severalDataDirectories = rows.Select(r => r.DataDirectory).Distinct(StringComparer.Ordinal).Count() > 1;
        IReadOnlyList<string> headers = severalDataDirectories
            ? ["NAME", "ID", "STATE", "PROVIDER", "SSH", "PORTS", "SIZE", "PROJECT", "DATA DIR"]
            : ["NAME", "ID", "STATE", "PROVIDER", "SSH", "PORTS", "SIZE", "PROJECT"];
        TextTable.Write(output, headers, rows.Select(r => Cells(r, severalDataDirectories)));
        foreach (var r in rows)
        {
            if (r.Orphan && r.Remove is not null)
            {
                await output.WriteLineAsync($"orphan {r.Name} ({r.Id}): its project folder {r.Project} is gone; remove it: {r.Remove}").ConfigureAwait(false);
            }
            else if (r.Orphan)
            {
                await output.WriteLineAsync($"orphan {r.Name}: its project folder {r.Project} is gone").ConfigureAwait(false);
            }

            if (r.State is "crashed" or "unknown" && r.Detail is not null)
            {
                await output.WriteLineAsync($"{r.Name} {r.State}: {r.Detail}").ConfigureAwait(false);
            }
        }
    }

    private static IReadOnlyList<string> Cells(GlobalMachineRow r, bool withDataDirectory)
    {
        IReadOnlyList<string> cells =
        [
            r.Name,
            r.Id ?? "-",
            r.State,
            r.Provider ?? "-",
            r.Ssh is { } ssh ? (ssh.User is null ? "" : ssh.User + "@") + $"{ssh.Host}:{ssh.Port}" : "-",
            r.Ports.Count == 0 ? "-" : string.Join(",", r.Ports.Select(p => $"{p.Host}->{p.Guest}" + (p.Protocol == "tcp" ? "" : "/" + p.Protocol))),
            r.RootBytes is { } bytes ? new MemorySize(bytes).Approximate() : "-",
            r.Orphan ? r.Project + " (gone)" : r.Project,
        ];
        return withDataDirectory ? [.. cells, r.DataDirectory] : cells;
    }
}
