using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Tells one machine's processes (its VMM and its helpers) from every other, as its provider knows them: the uid they
/// run as and an argv only they hold. <see cref="ProcessControl"/> signals a pid only while it still matches.
/// </summary>
public interface IMachineProcesses
{
    /// <summary>The host uid the machine's processes run as; null when it is not known, and then no process is the machine's.</summary>
    long? Owner { get; }

    /// <summary>True when <paramref name="argv"/> is one of the machine's processes (or a wrapper about to exec one).</summary>
    bool IsOwn(IReadOnlyList<string> argv);

    /// <summary>What a person calls the process <paramref name="pid"/> in an error: "QEMU", "virtiofsd".</summary>
    string NameOf(IProcessTable table, int pid);
}
