namespace Diskless.Abstractions;

/// <summary>The exit codes of the <c>diskless</c> program; the README documents them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>A failure with no more specific code.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (unknown option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>The Disklessfile is missing, malformed or invalid.</summary>
    public const int InvalidConfiguration = 3;

    /// <summary>The command or a plugin capability is not available (yet, or on this host).</summary>
    public const int NotAvailable = 4;

    /// <summary>An external tool (debootstrap, qemu, ssh-keygen…) failed.</summary>
    public const int ExternalToolFailed = 5;

    /// <summary>Another diskless command holds the machine's lock.</summary>
    public const int Locked = 6;

    /// <summary>The machine does not exist, or is not in a state the command needs.</summary>
    public const int WrongMachineState = 7;

    /// <summary>The guest did not boot or could not be reached over SSH.</summary>
    public const int BootFailed = 8;

    /// <summary>A provisioner failed.</summary>
    public const int ProvisionFailed = 9;

    /// <summary>The user interrupted the command (Ctrl-C).</summary>
    public const int Cancelled = 130;
}
