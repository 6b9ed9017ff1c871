using Diskless.Abstractions;
using Diskless.Plugins.Arch.Base;
using Diskless.Plugins.Arch.Configure;
using Diskless.Plugins.Arch.Validation;
using Diskless.PluginSupport.Configure;

namespace Diskless.Plugins.Arch;

/// <summary>Arch Linux root filesystems built with pacstrap, booted with mkinitcpio (or booster) from a virtiofs or 9p share.</summary>
public sealed class ArchDistro : IDistro
{
    private readonly TimeProvider _time;

    /// <summary>The plugin as the host loads it: bases are dated by the system clock.</summary>
    public ArchDistro()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A plugin whose bases are dated by <paramref name="time"/> (tests).</summary>
    public ArchDistro(TimeProvider time)
    {
        _time = time;
    }

    /// <inheritdoc />
    public string Name => "arch";

    /// <inheritdoc />
    public string Description => "Arch Linux root filesystems built with pacstrap, booted with mkinitcpio (or booster).";

    /// <inheritdoc />
    public IReadOnlyList<string> MissingCapabilities { get; } = [];

    /// <inheritdoc />
    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult(ArchSpecValidator.Validate(spec));

    /// <inheritdoc />
    public BaseSpec DescribeBase(DistroSpec spec) => BasePlanner.Describe(spec, Name, _time.GetUtcNow());

    /// <inheritdoc />
    public InitramfsHints DescribeInitramfs(DistroSpec spec) =>
        ArchSettings.Initramfs(spec) == ArchDefaults.Booster
            ? new("modules_force_load in /etc/booster.yaml", "sudo /usr/lib/booster/regenerate_images")
            : new("MODULES in /etc/mkinitcpio.conf", "sudo mkinitcpio -P");

    /// <inheritdoc />
    public Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken) =>
        new BaseBuilder(host).BuildAsync(spec, targetDirectory, cancellationToken);

    /// <inheritdoc />
    public async Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(host);
        var root = host.RootFiles(request.Root.Path);
        var facts = await ArchRootFacts.ReadAsync(root, cancellationToken).ConfigureAwait(false);
        var plan = new ArchConfigurePlanner(host.Templates).Plan(request, facts);
        await new ConfigureExecutor(host).ApplyAsync(root, plan, cancellationToken).ConfigureAwait(false);
        var generator = ArchSettings.Initramfs(request.Machine.Distro);
        return new BootArtifacts(
            BootFiles.Require(request.Root, ArchConfigurePlanner.Kernel, "kernel", "The base may be incomplete (was linux removed from [distro] packages?); `diskless destroy` and `diskless up` rebuild the machine.", "Reinstall the kernel in the guest (`sudo pacman -S linux`), or `diskless destroy` and `diskless up`."),
            BootFiles.Require(request.Root, ArchConfigurePlanner.InitramfsImage(generator), "initramfs", $"{generator} did not write its image; `diskless up --verbose` shows its output.", $"Rebuild the image in the guest (`sudo {(generator == ArchDefaults.Booster ? "/usr/lib/booster/regenerate_images" : "mkinitcpio -P")}`), or `diskless destroy` and `diskless up`."),
            plan.KernelCommandLine);
    }
}
