namespace Diskless.PluginSupport.Accounts;

/// <summary>The login user as the guest's /etc/passwd has it (or will, once the planned lines are written).</summary>
/// <param name="Name">The user name.</param>
/// <param name="Uid">Its uid: what its home, ~/.ssh and authorized_keys are given to.</param>
/// <param name="Gid">Its primary group.</param>
/// <param name="Home">Its home folder (guest path).</param>
/// <param name="IsNew">True when Diskless adds the user: its home is made and filled from /etc/skel.</param>
public sealed record LoginAccount(string Name, int Uid, int Gid, string Home, bool IsNew);

/// <summary>The login user and the account files that change for it (only those whose content changes).</summary>
/// <param name="Account">The user.</param>
/// <param name="ChangedFiles">New passwd, group, shadow and gshadow contents, where they differ.</param>
/// <param name="ShadowGid">The gid of the group "shadow", which owns /etc/shadow and /etc/gshadow (0 without one).</param>
public sealed record LoginAccountChanges(LoginAccount Account, IReadOnlyList<AccountTable> ChangedFiles, int ShadowGid);
