using System.Text.RegularExpressions;
using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Finds out what this host offers QEMU: the binary and its version, whether KVM really works, seccomp,
/// and which virtiofsd (if any). Kept apart from the planners, which take its answer as data.
/// </summary>
public sealed partial class QemuHostProbe(IHostSystem system)
{
    /// <summary>The QEMU program searched for on PATH.</summary>
    public const string QemuProgram = "qemu-system-x86_64";

    /// <summary>Where unshare and mount live when PATH is trimmed (sudo's secure_path, a service's environment).</summary>
    public static readonly string[] SystemDirectories = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    /// <summary>Probes everything a start needs. Warns once (through progress) when it falls back to TCG.</summary>
    public async Task<QemuHostFeatures> ProbeAsync(ProviderSpec spec, IHostServices host, CancellationToken cancellationToken)
    {
        var settings = QemuSettings.Parse(spec);
        var binary = settings.Binary ?? host.FindExecutable(QemuProgram)
            ?? throw new DisklessException(
                $"{QemuProgram} was not found on PATH.",
                "Install QEMU: apt-get install -y qemu-system-x86",
                ExitCodes.NotAvailable);
        var version = await VersionAsync(binary, host, cancellationToken).ConfigureAwait(false);
        var sandbox = await SupportsSandboxAsync(binary, host, cancellationToken).ConfigureAwait(false);
        var useKvm = DecideKvm(spec.Accel, host.Progress, inNamespace: host.Namespace is not null);
        var virtiofsd = await FindVirtiofsdAsync(settings, host, cancellationToken).ConfigureAwait(false);
        var machineProperties = await MachinePropertiesAsync(binary, host, cancellationToken).ConfigureAwait(false);
        var prlimit = host.FindExecutable("prlimit", SystemDirectories);
        var own = system.OwnDescriptorLimit;
        // Without prlimit virtiofsd inherits Diskless's own limit (.NET raises its soft limit to the hard one at start).
        var virtiofsdLimit = own is null ? null
            : prlimit is null ? new DescriptorLimit(own.Hard, own.Hard)
            : VirtiofsdDescriptors.Planned(own, system.IsRoot, system.NrOpen);
        return new QemuHostFeatures(
            binary, version, useKvm, sandbox, virtiofsd, machineProperties, FindMountNamespaceTools(host), host.FindExecutable("setpriv", SystemDirectories), virtiofsdLimit, prlimit);
    }

    /// <summary>unshare and mount of the host; null when either is missing.</summary>
    public static MountNamespaceTools? FindMountNamespaceTools(IHostServices host) =>
        host.FindExecutable("unshare", SystemDirectories) is { } unshare && host.FindExecutable("mount", SystemDirectories) is { } mount
            ? new MountNamespaceTools(unshare, mount)
            : null;

    /// <summary>
    /// The shared <see cref="KvmRule"/> over this host's /dev/kvm and /proc/cpuinfo. <paramref name="inNamespace"/>: QEMU
    /// will run as a subordinate id without the user's groups, so /dev/kvm must be open to everyone.
    /// </summary>
    public bool DecideKvm(Accelerator requested, IProgressReporter progress, bool inNamespace = false)
    {
        if (requested == Accelerator.Tcg)
        {
            return false;
        }

        var device = system.ProbeKvmDevice();
        if (inNamespace && device == KvmDevice.Opens && !system.KvmOpenToEveryone)
        {
            device = KvmDevice.NotForNamespace;
        }

        return KvmRule.Decide(requested, device, system.ReadCpuInfo(), progress);
    }

    /// <summary>The virtiofsd to use (the shared <see cref="VirtiofsdLocator"/>) and its flavour; null when none is installed.</summary>
    public Task<VirtiofsdInfo?> FindVirtiofsdAsync(QemuSettings settings, IHostServices host, CancellationToken cancellationToken) =>
        VirtiofsdLocator.FindAsync(settings.Virtiofsd, host, cancellationToken);

    /// <summary>"7.2.22" from "QEMU emulator version 7.2.22 (Debian …)"; null when the text has no version.</summary>
    public static string? ParseVersion(string versionOutput)
    {
        var match = VersionPattern().Match(versionOutput);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static async Task<string?> VersionAsync(string binary, IHostServices host, CancellationToken cancellationToken)
    {
        var result = await host.Commands.RunAsync(
            new CommandSpec(binary, "--version") { Description = "qemu --version" }, cancellationToken).ConfigureAwait(false);
        return ParseVersion(result.StandardOutput);
    }

    private static async Task<bool> SupportsSandboxAsync(string binary, IHostServices host, CancellationToken cancellationToken)
    {
        // A QEMU with seccomp rejects "help" as a value ("expects 'on' or 'off'"); one without it does not know
        // the option group at all.
        var result = await host.Commands.RunAsync(
            new CommandSpec(binary, "-sandbox", "help") { Description = "qemu seccomp check", SuccessExitCodes = [0, 1] },
            cancellationToken).ConfigureAwait(false);
        return (result.StandardOutput + result.StandardError).Contains("'on' or 'off'", StringComparison.Ordinal);
    }

    /// <summary>The property names in the output of <c>-machine q35,help</c> ("  sata=&lt;bool&gt; - Enable …").</summary>
    public static IReadOnlySet<string> ParseMachineProperties(string helpText) =>
        MachinePropertyPattern().Matches(helpText).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    private static async Task<IReadOnlySet<string>> MachinePropertiesAsync(string binary, IHostServices host, CancellationToken cancellationToken)
    {
        var result = await host.Commands.RunAsync(
            new CommandSpec(binary, "-machine", $"{QemuArgs.MachineType},help") { Description = "qemu machine properties", SuccessExitCodes = [0, 1] },
            cancellationToken).ConfigureAwait(false);
        return ParseMachineProperties(result.StandardOutput + result.StandardError);
    }

    [GeneratedRegex(@"version (\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^\s+([a-z0-9][a-z0-9-]*)=", RegexOptions.Multiline)]
    private static partial Regex MachinePropertyPattern();
}
