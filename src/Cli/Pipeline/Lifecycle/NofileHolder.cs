using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>Whose open-file limit binds a virtiofsd, and so who can raise it.</summary>
internal enum NofileBinding
{
    /// <summary>Host root whose helper was raised to the kernel's ceiling: fs.nr_open binds.</summary>
    NrOpen,

    /// <summary>Root that could not raise its hard limit (it lacks CAP_SYS_RESOURCE, as in a container): set where it was started.</summary>
    ContainerHardLimit,

    /// <summary>An ordinary user: their hard nofile limit (limits.conf).</summary>
    UserHardLimit,
}

/// <summary>Who started the helpers (root or which user) and the kernel's fs.nr_open, null when unreadable.</summary>
internal sealed record NofileHolder(bool IsRoot, string User, long? NrOpen)
{
    /// <summary>This process's.</summary>
    public static NofileHolder Current() => new(Environment.IsPrivilegedProcess, Environment.UserName, ReadNrOpen());

    /// <summary>
    /// What binds <paramref name="use"/>: root raises a helper's hard limit to fs.nr_open when it may; a helper of root's
    /// left below it shows that this root may not (virtiofsd inherits the limit up started it with).
    /// </summary>
    public NofileBinding BindingOf(DescriptorUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        if (!IsRoot)
        {
            return NofileBinding.UserHardLimit;
        }

        return NrOpen is { } ceiling && use.HardLimit < ceiling ? NofileBinding.ContainerHardLimit : NofileBinding.NrOpen;
    }

    private static long? ReadNrOpen()
    {
        try
        {
            return long.TryParse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
