using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>The libvirt provider's own keys in <c>[provider]</c>.</summary>
/// <param name="Uri">The libvirt connection (<c>uri</c>): qemu:///system by default, qemu:///session for the user's own daemon.</param>
/// <param name="Network">
/// A libvirt network to put the guest on (<c>network</c>), which then takes DHCP and is reached at its lease's
/// address; null for QEMU's user-mode network with SSH and the ports forwarded on 127.0.0.1.
/// </param>
/// <param name="GracefulTimeout">How long <c>halt</c> waits for the guest to power off (<c>graceful_timeout</c>); null for the host's default.</param>
/// <param name="Cpu">The CPU model under TCG (<c>cpu</c>); null for qemu64 without SVM, as the qemu provider.</param>
/// <param name="Virtiofsd">The virtiofsd libvirt starts (<c>virtiofsd</c>); null to search the usual places.</param>
public sealed record LibvirtSettings(string Uri, string? Network, TimeSpan? GracefulTimeout, string? Cpu, string? Virtiofsd)
{
    /// <summary>The system daemon's connection, where domains are visible to virt-manager and every admin.</summary>
    public const string SystemUri = "qemu:///system";

    /// <summary>The user's own daemon.</summary>
    public const string SessionUri = "qemu:///session";

    /// <summary>The keys this provider knows (besides the host's <c>name</c> and <c>accel</c>).</summary>
    public static readonly IReadOnlyList<string> Keys = ["uri", "network", "graceful_timeout", "cpu", "virtiofsd"];

    /// <summary>No settings.</summary>
    public static readonly LibvirtSettings Default = new(SystemUri, null, null, null, null);

    /// <summary>True for the user's own daemon, where QEMU runs as the user.</summary>
    public bool IsSession => Uri == SessionUri;

    /// <summary>Reads the settings; invalid values are reported in <paramref name="issues"/> and left at their defaults.</summary>
    public static LibvirtSettings Parse(ProviderSpec spec, out IReadOnlyList<SpecIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var found = new List<SpecIssue>();
        var settings = Default;
        foreach (var (key, value) in spec.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            switch (key)
            {
                case "uri":
                    if (value.Value is SystemUri or SessionUri)
                    {
                        settings = settings with { Uri = (string)value.Value };
                    }
                    else
                    {
                        // A remote hypervisor needs the root folder on its host: README, "Beyond one host".
                        found.Add(new SpecIssue(
                            $"uri must be \"{SystemUri}\" or \"{SessionUri}\", found {Quoted(value.Value)}",
                            value.Location,
                            "the machine's root folder must be on the host that runs QEMU: remote URIs (qemu+ssh://…) are not supported yet"));
                    }

                    break;
                case "network":
                    if (value.Value is string network && IsNetworkName(network))
                    {
                        settings = settings with { Network = network };
                        found.Add(SpecIssue.Request($"network \"{network}\" puts the guest on the host's libvirt network {network}, beyond the machine's own user network", value.Location));
                    }
                    else
                    {
                        found.Add(new SpecIssue($"network must name a libvirt network such as \"default\", found {Quoted(value.Value)}", value.Location, "virsh net-list --all lists them"));
                    }

                    break;
                case "graceful_timeout":
                    if (ProviderSettingRules.TryReadGracefulTimeout(value, out var timeout, out var timeoutIssue))
                    {
                        settings = settings with { GracefulTimeout = timeout };
                    }
                    else
                    {
                        found.Add(timeoutIssue!);
                    }

                    break;
                case "cpu":
                    if (value.Value is string model && model.Length > 0 && model.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                    {
                        settings = settings with { Cpu = model };
                    }
                    else
                    {
                        found.Add(new SpecIssue("cpu must be a CPU model libvirt knows, such as \"qemu64\" or \"Nehalem\" (virsh cpu-models x86_64 lists them)", value.Location));
                    }

                    break;
                case "virtiofsd":
                    if (value.Value is string path && Path.IsPathRooted(path))
                    {
                        settings = settings with { Virtiofsd = path };
                        found.Add(SpecIssue.Request($"virtiofsd has libvirtd run the host program {path}, as root", value.Location));
                    }
                    else
                    {
                        found.Add(new SpecIssue("virtiofsd must be an absolute path", value.Location));
                    }

                    break;
                default:
                    found.Add(ProviderSettingRules.UnknownKey(key, "libvirt", Keys, value.Location));
                    break;
            }
        }

        issues = found;
        return settings;
    }

    /// <summary>Reads the settings, ignoring invalid ones (validation has reported them already).</summary>
    public static LibvirtSettings Parse(ProviderSpec spec) => Parse(spec, out _);

    /// <summary>Where the <c>network</c> key is written; null when it is not.</summary>
    public static SourceLocation? NetworkLocation(ProviderSpec spec) =>
        spec?.Settings.TryGetValue("network", out var value) == true ? value.Location : spec?.Location;

    // libvirt allows more, but a name that needs quoting in a shell is a name a person mistyped.
    private static bool IsNetworkName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Quoted(object value) => value is string s ? $"\"{s}\"" : value.ToString() ?? "";
}
