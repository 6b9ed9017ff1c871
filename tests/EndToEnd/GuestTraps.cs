namespace Diskless.EndToEnd;

/// <summary>
/// Traps a hostile guest would lay for the host: the guest's tools that a host used to run in a chroot of the root
/// (update-initramfs, chown, useradd, locale-gen), others it might (usermod, env), and the shells every script goes
/// through, each replaced by a wrapper that runs the real tool (renamed &lt;tool&gt;.real, so the guest keeps working)
/// after leaving a mark when it runs anywhere but in the guest. The guest is told by its kernel command line, which
/// has "root=rootfs rootfstype=" only there: in a chroot or sandbox on the host /proc is the host's. The mark, the
/// trap's command line and its uid map, goes to /diskless-trap-mark, which in a chroot or the sandbox is the
/// machine root's and on the host the host's, and to the project folder's host path, which exists only where the host's
/// files are in reach. A run in the machine's sandbox is allowed (that is what it is for: its only "/" is the root,
/// its root an unprivileged id); its mark shows a uid map that is not the host's own.
/// </summary>
public static class GuestTraps
{
    public const string MarkName = "diskless-trap-mark";

    public const string HostMark = "/" + MarkName;

    /// <summary>dash first: every other wrapper is interpreted by dash.real, which must exist before any is in place.</summary>
    public static readonly IReadOnlyList<string> Tools =
    [
        "/usr/bin/dash", "/usr/bin/bash", "/usr/bin/env", "/usr/bin/chown",
        "/usr/sbin/update-initramfs", "/usr/sbin/useradd", "/usr/sbin/usermod", "/usr/sbin/locale-gen",
    ];

    /// <summary>
    /// A script for guest root that lays every trap (again: a tool already trapped is left alone). A tool the base
    /// lacks (locale-gen without the locales package) becomes a trap that marks and exits 0.
    /// </summary>
    public static string InstallScript(string projectDirectory) => $$"""
        #!/bin/sh
        set -eu
        for tool in {{string.Join(' ', Tools)}}; do
          [ -e "$tool.real" ] && continue
          if [ -e "$tool" ]; then
            cp -p "$tool" "$tool.real"
            run="exec $tool.real \"\$@\""
          else
            run="exit 0"
          fi
          cat > "$tool.trap" <<EOF
        #!/usr/bin/dash.real
        # A diskless end-to-end trap: marks a run outside the guest, then runs the real tool.
        read -r cmdline < /proc/cmdline || cmdline=
        case " \$cmdline " in
        *" root=rootfs rootfstype="*) ;;
        *) read -r map < /proc/self/uid_map || map=
           echo "\$0 \$* [uid_map \$map]" >> /{{MarkName}} 2>/dev/null || true
           echo "\$0 \$* [uid_map \$map]" >> {{projectDirectory}}/{{MarkName}} 2>/dev/null || true ;;
        esac
        $run
        EOF
          chmod 755 "$tool.trap"
          mv -f "$tool.trap" "$tool"
        done

        """;

    /// <summary>True when a mark's line was left by a trap running with the host's own ids (a chroot as host root).</summary>
    public static bool RanWithHostIds(string markLine) =>
        System.Text.RegularExpressions.Regex.IsMatch(markLine, @"\[uid_map\s+0\s+0\s+4294967295\]");

    /// <summary>The lines of <paramref name="rootMark"/> (the machine root's mark) left with the host's own ids.</summary>
    public static IReadOnlyList<string> HostAuthorityLines(string rootMark) =>
        File.Exists(rootMark) ? File.ReadAllLines(rootMark).Where(RanWithHostIds).ToList() : [];

    /// <summary>
    /// Proves the traps are armed, in the guest: a mount namespace whose /proc/cmdline is not the guest's makes
    /// the env trap mark; the mark is shown and removed.
    /// </summary>
    public const string SelfCheck =
        "sudo -n unshare -m sh -c 'printf \"BOOT_IMAGE=/vmlinuz root=/dev/sda1\\n\" > /run/fake-cmdline && " +
        "mount --bind /run/fake-cmdline /proc/cmdline && /usr/bin/env true' && " +
        "sudo -n cat /" + MarkName + " && sudo -n rm /" + MarkName;
}
