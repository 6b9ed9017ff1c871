namespace Diskless.PluginSupport.Configure;

/// <summary>The links `systemctl enable` makes, written directly: no running systemd is needed to enable a unit.</summary>
public static class SystemdLinks
{
    /// <summary>Where the administrator's units and the links enabling units live.</summary>
    public const string AdminUnits = "/etc/systemd/system";

    /// <summary>`systemctl enable systemd-networkd` for units shipped in <paramref name="systemUnits"/>.</summary>
    public static IReadOnlyList<(string Link, string Target)> Networkd(string systemUnits) =>
    [
        ($"{AdminUnits}/multi-user.target.wants/systemd-networkd.service", $"{systemUnits}/systemd-networkd.service"),
        ($"{AdminUnits}/sockets.target.wants/systemd-networkd.socket", $"{systemUnits}/systemd-networkd.socket"),
        ($"{AdminUnits}/dbus-org.freedesktop.network1.service", $"{systemUnits}/systemd-networkd.service"),
    ];
}
