using Diskless.Abstractions;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>A machine's state as <c>status</c> and <c>global-status</c> spell it (text and JSON alike).</summary>
internal static class MachineStateNames
{
    public static string Of(MachineState state) => state switch
    {
        MachineState.NotCreated => "not created",
        MachineState.Stopped => "stopped",
        MachineState.Running => "running",
        MachineState.Crashed => "crashed",
        _ => state.ToString().ToLowerInvariant(),
    };
}
