using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>Reads <c>virsh domstate --reason</c>: "running (booted)", "shut off (destroyed)", "crashed (panicked)"…</summary>
internal static class DomainState
{
    /// <summary>The machine state for virsh's answer; <paramref name="domstate"/> is its first line.</summary>
    public static MachineState Parse(string domstate)
    {
        var text = domstate.Trim();
        if (text.StartsWith("running", StringComparison.Ordinal) || text.StartsWith("paused", StringComparison.Ordinal)
            || text.StartsWith("in shutdown", StringComparison.Ordinal) || text.StartsWith("blocked", StringComparison.Ordinal)
            || text.StartsWith("idle", StringComparison.Ordinal) || text.StartsWith("pmsuspended", StringComparison.Ordinal))
        {
            return MachineState.Running;
        }

        // on_crash is destroy: a guest that crashed is "shut off (crashed)"; "crashed" itself with on_crash preserve.
        if (text.StartsWith("crashed", StringComparison.Ordinal) || text == "shut off (crashed)" || text == "shut off (failed)")
        {
            return MachineState.Crashed;
        }

        return MachineState.Stopped;
    }

    /// <summary>True when virsh said the domain does not exist.</summary>
    public static bool IsMissingDomain(string output) =>
        output.Contains("failed to get domain", StringComparison.Ordinal) || output.Contains("Domain not found", StringComparison.Ordinal);
}
