using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>The virsh failures people hit, each as an error with its fix; anything else as the tool's own failure.</summary>
internal static class VirshErrors
{
    private const string DaemonScript = "As root: systemctl start libvirtd virtlogd; where no service manager runs, `virtlogd -d && libvirtd -d` (the project's scripts/libvirt-daemons.sh does that).";

    /// <summary>True when virsh could not talk to libvirtd at all (not running, or not allowed).</summary>
    public static bool IsConnectionFailure(string output) =>
        output.Contains("failed to connect to the hypervisor", StringComparison.Ordinal)
        || output.Contains("Failed to connect socket", StringComparison.Ordinal);

    /// <summary>The error for a failed virsh command.</summary>
    public static DisklessException Translate(CommandSpec command, CommandResult result, string uri)
    {
        var output = (result.StandardOutput + "\n" + result.StandardError).Trim();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var said = lines.LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "";
        var failed = new CommandFailedException(command, result.ExitCode, [.. lines.TakeLast(20)]);
        if (output.Contains("No such file or directory", StringComparison.Ordinal) && output.Contains("libvirt-sock", StringComparison.Ordinal)
            || output.Contains("Connection refused", StringComparison.Ordinal))
        {
            return new DisklessException($"libvirtd is not running: virsh cannot reach {uri} ({said}).", DaemonScript, ExitCodes.NotAvailable, failed);
        }

        if (output.Contains("virtlogd-sock", StringComparison.Ordinal))
        {
            return new DisklessException($"virtlogd is not running, and libvirt writes every domain's console through it ({said}).", DaemonScript, ExitCodes.NotAvailable, failed);
        }

        if (IsConnectionFailure(output)
            && (output.Contains("Permission denied", StringComparison.Ordinal)
                || output.Contains("authentication", StringComparison.OrdinalIgnoreCase)
                || output.Contains("polkit", StringComparison.OrdinalIgnoreCase)
                || output.Contains("system bus", StringComparison.Ordinal)))
        {
            return new DisklessException(
                $"this user may not manage {uri} ({said}).",
                "Add yourself to the libvirt group (as root: usermod -aG libvirt $USER; then log in again), or run diskless as root.",
                ExitCodes.NotAvailable,
                failed);
        }

        if (IsConnectionFailure(output))
        {
            return new DisklessException($"virsh cannot reach {uri} ({said}).", DaemonScript, ExitCodes.NotAvailable, failed);
        }

        if (output.Contains("virtiofs", StringComparison.OrdinalIgnoreCase)
            && (output.Contains("not supported", StringComparison.OrdinalIgnoreCase) || output.Contains("unsupported", StringComparison.OrdinalIgnoreCase)))
        {
            return new DisklessException(
                $"the installed libvirt or QEMU cannot share a folder over virtiofs here ({said}).",
                "Set [share] transport = \"9p\" (and transport = \"9p\" on the synced folders), or update libvirt and QEMU.",
                ExitCodes.NotAvailable,
                failed);
        }

        return failed;
    }
}
