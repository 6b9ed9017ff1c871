using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>
/// Checks before anything creates a user namespace that it can work, so the user reads what is missing and the
/// command that fixes it instead of "unshare failed: No space left on device" from deep inside a build. Root writes
/// its maps itself and needs neither subordinate ranges nor newuidmap.
/// </summary>
public sealed class UserNamespacePrerequisites(IIsolationProbe probe)
{
    /// <summary>The sysctl that caps the number of user namespaces; 0 turns them off for everybody.</summary>
    public const string MaxUserNamespaces = "/proc/sys/user/max_user_namespaces";

    /// <summary>Debian's and older Ubuntus' switch for user namespaces of ordinary users (absent on most kernels).</summary>
    public const string UnprivilegedClone = "/proc/sys/kernel/unprivileged_userns_clone";

    /// <summary>Ubuntu's (23.10 and later) AppArmor restriction of user namespaces of ordinary users.</summary>
    public const string AppArmorRestriction = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

    /// <summary>Throws the first unmet prerequisite for <paramref name="identity"/>.</summary>
    public void EnsureMet(HostIdentity identity)
    {
        if (FindProblems(identity).FirstOrDefault() is { } problem)
        {
            throw problem;
        }
    }

    /// <summary>Every unmet prerequisite for <paramref name="identity"/>, in the order to fix them; empty when all are met.</summary>
    public IReadOnlyList<DisklessException> FindProblems(HostIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var problems = new List<DisklessException>();
        if (Sysctl(MaxUserNamespaces) == 0)
        {
            problems.Add(Error(
                "user namespaces are turned off on this host: user.max_user_namespaces is 0, so no namespace can be created for the machine",
                "as root: sysctl -w user.max_user_namespaces=15000, and keep it with: echo user.max_user_namespaces=15000 > /etc/sysctl.d/50-userns.conf"));
        }

        if (identity.IsRoot)
        {
            return problems;
        }

        if (Sysctl(UnprivilegedClone) == 0)
        {
            problems.Add(Error(
                "user namespaces are turned off for ordinary users on this host: kernel.unprivileged_userns_clone is 0",
                "as root: sysctl -w kernel.unprivileged_userns_clone=1, and keep it with: echo kernel.unprivileged_userns_clone=1 > /etc/sysctl.d/50-userns.conf"));
        }

        if (Sysctl(AppArmorRestriction) == 1)
        {
            problems.Add(Error(
                "AppArmor restricts user namespaces of ordinary users on this host (kernel.apparmor_restrict_unprivileged_userns is 1): "
                + "a namespace can be created but its processes get no capabilities, so the machine's ids cannot be mapped",
                "as root, either allow user namespaces for unshare, nsenter and bwrap with an AppArmor profile that has the 'userns,' rule "
                + "(see /etc/apparmor.d/bwrap-userns-restrict), or lift the restriction: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"));
        }

        AddRangeProblem(problems, identity, SubordinateIds.UidFile, "uids");
        AddRangeProblem(problems, identity, SubordinateIds.GidFile, "gids");
        AddHelperProblem(problems, "newuidmap", FileCapabilities.SetUid);
        AddHelperProblem(problems, "newgidmap", FileCapabilities.SetGid);
        return problems;
    }

    private void AddRangeProblem(List<DisklessException> problems, HostIdentity identity, string file, string ids)
    {
        var lines = (probe.ReadText(file) ?? "").Split('\n');
        if (SubordinateIds.Find(lines, identity.Name, identity.Uid) is not null)
        {
            return;
        }

        problems.Add(Error(
            $"{identity.Name} has no subordinate {ids}: {file} needs a line '{identity.Name}:START:COUNT' with a COUNT of at least {IdMap.GuestIdCount}, "
            + "the host ids a machine's users and groups are mapped to",
            $"as root, give {identity.Name} a range no other user has in /etc/subuid or /etc/subgid: "
            + $"usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {identity.Name}"));
    }

    private void AddHelperProblem(List<DisklessException> problems, string name, int capability)
    {
        var path = probe.FindProgram(name);
        if (path is null)
        {
            problems.Add(Error(
                $"{name} is not installed: an ordinary user needs it to map a machine's ids into its user namespace",
                "as root: apt-get install uidmap (Fedora: dnf install shadow-utils; Arch: pacman -S shadow)"));
            return;
        }

        var status = probe.Status(path);
        var setuidRoot = status is { Uid: 0 } && status.Mode.HasFlag(UnixFileMode.SetUser);
        var capable = probe.Capabilities(path) is { } attribute && status is { Uid: 0 } && FileCapabilities.Grants(attribute, capability);
        if (!setuidRoot && !capable)
        {
            var capabilityName = capability == FileCapabilities.SetUid ? "cap_setuid" : "cap_setgid";
            problems.Add(Error(
                $"{path} cannot map ids: it is neither setuid root nor has the {capabilityName} file capability, so it fails with 'Operation not permitted'",
                $"as root: chmod u+s {path} (or setcap {capabilityName}+ep {path}), or reinstall: apt-get install --reinstall uidmap"));
        }
    }

    private long? Sysctl(string path) =>
        long.TryParse(probe.ReadText(path)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static DisklessException Error(string message, string fix) => new(message, fix, ExitCodes.NotAvailable);
}
