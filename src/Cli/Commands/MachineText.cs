using System.Globalization;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Commands;

/// <summary>The readable form of <c>diskless validate</c>: one block per machine, every default filled in.</summary>
internal static class MachineText
{
    public static void Write(TextWriter output, ProjectSpec project)
    {
        output.WriteLine($"{project.DisklessfilePath}: valid, {project.Machines.Count} machine(s)");
        foreach (var view in project.Machines.Select(MachineView.From))
        {
            output.WriteLine();
            output.WriteLine($"machine {view.Name}");
            Line(output, "cpus", view.Cpus.ToString(CultureInfo.InvariantCulture));
            Line(output, "memory", $"{view.MemoryMiB.ToString(CultureInfo.InvariantCulture)} MiB");
            var d = view.Distro;
            Line(output, "distro", $"{d.Name} {d.Release ?? "(default release)"}{(d.Mirror is null ? "" : " from " + d.Mirror)}");
            if (d.Packages.Count > 0)
            {
                Line(output, "packages", string.Join(' ', d.Packages));
            }

            Line(output, "user", d.User);
            Line(output, "provider", $"{view.Provider.Name} (accel {view.Provider.Accel})");
            Line(output, "share", view.Share.Transport ?? "provider default (virtiofs where virtiofsd exists, else 9p)");
            foreach (var folder in view.SyncedFolders)
            {
                Line(output, "synced", $"{folder.Host} -> {folder.Guest}{(folder.ReadOnly ? " (read-only)" : "")}");
            }

            foreach (var port in view.Ports)
            {
                Line(output, "port", $"{port.HostAddress}:{port.Host} -> {port.Guest}/{port.Protocol}");
            }

            foreach (var provisioner in view.Provisioners)
            {
                Line(output, "provision", provisioner.Description);
            }

            Line(output, "boot timeout", $"{view.BootTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
    }

    private static void Line(TextWriter output, string label, string value) => output.WriteLine($"  {label,-13}{value}");
}
