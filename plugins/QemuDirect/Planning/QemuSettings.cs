using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>The qemu provider's own keys in <c>[provider]</c>.</summary>
/// <param name="ExtraArgs">Arguments appended to QEMU's command line as they are (<c>extra_args</c>).</param>
/// <param name="GracefulTimeout">How long <c>halt</c> waits for the guest to power off (<c>graceful_timeout</c>); null for the host's default.</param>
/// <param name="Binary">The qemu-system-x86_64 to run (<c>binary</c>); null to search PATH.</param>
/// <param name="Virtiofsd">The virtiofsd to run (<c>virtiofsd</c>); null to search the usual places.</param>
/// <param name="Cpu">The CPU model QEMU emulates under TCG (<c>cpu</c>); null for <see cref="DefaultTcgCpu"/>. KVM always uses the host's.</param>
/// <param name="Pvh">
/// Boot a bzImage's unpacked ELF through QEMU's PVH entry (<c>pvh</c>, default true): the kernel does not spend
/// seconds under TCG decompressing itself. False boots the kernel exactly as given.
/// </param>
public sealed record QemuSettings(IReadOnlyList<string> ExtraArgs, TimeSpan? GracefulTimeout, string? Binary, string? Virtiofsd, string? Cpu = null, bool Pvh = true)
{
    /// <summary>
    /// The CPU model under TCG. Measured here (bench notes in the README): a Debian guest reached SSH in ~20 s with
    /// qemu64, ~26 s with Nehalem and ~40 s with max, whose extra features (AVX and more) glibc then uses and TCG
    /// emulates slowly. Guests needing newer instructions set <c>cpu = "max"</c>. Without SVM, which qemu64 advertises,
    /// the guest does not load kvm_amd and kvm (over 1 MB of modules) for a nested virtualisation nobody runs under
    /// emulation.
    /// </summary>
    public const string DefaultTcgCpu = "qemu64,-svm";

    /// <summary>The keys this provider knows (besides the host's <c>name</c> and <c>accel</c>).</summary>
    public static readonly IReadOnlyList<string> Keys = ["extra_args", "graceful_timeout", "binary", "virtiofsd", "cpu", "pvh"];

    /// <summary>No settings.</summary>
    public static readonly QemuSettings Default = new([], null, null, null);

    /// <summary>Reads the settings; invalid values are reported in <paramref name="issues"/> and left at their defaults.</summary>
    public static QemuSettings Parse(ProviderSpec spec, out IReadOnlyList<SpecIssue> issues)
    {
        var found = new List<SpecIssue>();
        var settings = Default;
        foreach (var (key, value) in spec.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            switch (key)
            {
                case "extra_args":
                    var args = AsStringList(value.Value);
                    if (args is null)
                    {
                        found.Add(new SpecIssue("extra_args must be an array of strings, e.g. [\"-device\", \"virtio-balloon-pci\"]", value.Location));
                    }
                    else
                    {
                        settings = settings with { ExtraArgs = args };
                        found.Add(SpecIssue.Request($"extra_args hands QEMU arguments of the file's choosing ({string.Join(' ', args)}), which may open files, sockets or devices of the host", value.Location));
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
                    if (value.Value is not string model || model.Length == 0 || model.Any(c => char.IsWhiteSpace(c)))
                    {
                        found.Add(new SpecIssue("cpu must be a QEMU CPU model such as \"qemu64\", \"Nehalem\" or \"max\" (qemu-system-x86_64 -cpu help lists them)", value.Location));
                    }
                    else
                    {
                        settings = settings with { Cpu = model };
                    }

                    break;
                case "pvh":
                    if (value.Value is not bool pvh)
                    {
                        found.Add(new SpecIssue("pvh must be true or false", value.Location));
                    }
                    else
                    {
                        settings = settings with { Pvh = pvh };
                    }

                    break;
                case "binary" or "virtiofsd":
                    if (value.Value is not string path || !Path.IsPathRooted(path))
                    {
                        found.Add(new SpecIssue($"{key} must be an absolute path", value.Location));
                    }
                    else
                    {
                        settings = key == "binary" ? settings with { Binary = path } : settings with { Virtiofsd = path };
                        found.Add(SpecIssue.Request($"{key} runs the host program {path}", value.Location));
                    }

                    break;
                default:
                    found.Add(ProviderSettingRules.UnknownKey(key, "qemu", Keys, value.Location));
                    break;
            }
        }

        issues = found;
        return settings;
    }

    /// <summary>Reads the settings, ignoring invalid ones (validation has reported them already).</summary>
    public static QemuSettings Parse(ProviderSpec spec) => Parse(spec, out _);

    private static List<string>? AsStringList(object value)
    {
        if (value is string || value is not System.Collections.IEnumerable items)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in items)
        {
            switch (item)
            {
                case string s:
                    list.Add(s);
                    break;
                case SpecValue { Value: string s }:
                    list.Add(s);
                    break;
                default:
                    return null;
            }
        }

        return list;
    }
}
