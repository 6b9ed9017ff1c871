using Diskless.Abstractions;

namespace Diskless.PluginSupport.Accounts;

/// <summary>The guest's account databases, read from its root; the shadow files are absent in some trees.</summary>
public sealed record AccountFiles(RootFile Passwd, RootFile Group, RootFile? Shadow, RootFile? Gshadow)
{
    public const string PasswdPath = "/etc/passwd";
    public const string GroupPath = "/etc/group";
    public const string ShadowPath = "/etc/shadow";
    public const string GshadowPath = "/etc/gshadow";

    /// <summary>The most Diskless reads of one account file: a guest could make it arbitrarily large.</summary>
    public const long MaxBytes = 4 * 1024 * 1024;
}
