namespace Diskless.Cli.Ssh;

/// <summary>Turns the signal name an SSH server reports for a killed command into a shell-style exit code.</summary>
public static class SignalExitCodes
{
    /// <summary>The code for a command that ended without an exit status and without a known signal (as ssh itself does).</summary>
    public const int Unknown = 255;

    // Linux x86/arm numbering; RFC 4254 names signals without the "SIG" prefix.
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["BUS"] = 7, ["FPE"] = 8,
        ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14, ["TERM"] = 15,
    };

    /// <summary>128 + the signal number, like a shell's <c>$?</c>; <see cref="Unknown"/> when the signal is unnamed or unknown.</summary>
    public static int For(string? signalName)
    {
        if (signalName is null)
        {
            return Unknown;
        }

        var name = signalName.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? signalName[3..] : signalName;
        return Numbers.TryGetValue(name, out var number) ? 128 + number : Unknown;
    }
}
