using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline;

/// <summary>Builds the provider's <see cref="MachineHandle"/> from a machine's record.</summary>
internal static class Handle
{
    public static MachineHandle Of(UpContext context) => Of(context.Record);

    public static MachineHandle Of(MachineRecord record) => new(
        record.Name,
        record.Id,
        record.StateDirectory,
        record.RuntimeDirectory,
        record.ConsoleLogPath,
        record.ProviderData);
}
