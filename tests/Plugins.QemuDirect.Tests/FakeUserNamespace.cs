using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// A stand-in for the real holder: <see cref="Enter"/> gives the same nsenter argv NamespaceHolder does (and refuses
/// host root the same way), so plans and transcripts show exactly what a real start runs.
/// </summary>
internal sealed class FakeUserNamespace(int holderPid = 4242) : IUserNamespace
{
    public IdMap Map { get; } = new(SimulatedHost.GuestRootUid, 1500, SimulatedHost.GuestRootUid, 1500);

    public List<CommandSpec> Entered { get; } = [];

    public CommandSpec Enter(CommandSpec inner)
    {
        if (inner.RequiresRoot)
        {
            throw new ArgumentException("a command entered into the user namespace cannot ask for host root", nameof(inner));
        }

        Entered.Add(inner);
        return inner with
        {
            FileName = "nsenter",
            Arguments = ["-t", holderPid.ToString(CultureInfo.InvariantCulture), "-U", "-m", "-S", "0", "-G", "0", "--", inner.FileName, .. inner.Arguments],
            Description = inner.Description ?? Path.GetFileName(inner.FileName),
        };
    }
}
