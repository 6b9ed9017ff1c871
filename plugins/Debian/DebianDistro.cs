using Diskless.Abstractions;
using Diskless.Plugins.Debian.Base;
using Diskless.Plugins.Debian.Configure;
using Diskless.Plugins.Debian.Validation;
using Diskless.PluginSupport.Configure;

namespace Diskless.Plugins.Debian;

/// <summary>Debian root filesystems built with debootstrap, booted with initramfs-tools from a virtiofs or 9p share.</summary>
public sealed class DebianDistro : IDistro, IDerivesBases
{
    /// <inheritdoc />
    public string Name => "debian";

    /// <inheritdoc />
    public string Description => "Debian root filesystems built with debootstrap, booted with initramfs-tools.";

    /// <inheritdoc />
    public IReadOnlyList<string> MissingCapabilities { get; } = [];

    /// <inheritdoc />
    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult(DebianSpecValidator.Validate(spec));

    /// <inheritdoc />
    public BaseSpec DescribeBase(DistroSpec spec) => BasePlanner.Describe(spec, Name);

    /// <inheritdoc />
    public InitramfsHints DescribeInitramfs(DistroSpec spec) => new("/etc/initramfs-tools/modules", "sudo update-initramfs -u");

    /// <inheritdoc />
    public Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken) =>
        new BaseBuilder(host).BuildAsync(spec, targetDirectory, cancellationToken);

    /// <inheritdoc />
    public bool CanDerive(IHostServices host) => new BaseBuilder(host).CanDerive;

    /// <inheritdoc />
    public Task DeriveBaseAsync(BaseSpec parent, BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken) =>
        new BaseBuilder(host).DeriveAsync(parent, spec, targetDirectory, cancellationToken);

    /// <inheritdoc />
    public async Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(host);
        var root = host.RootFiles(request.Root.Path);
        var facts = await RootProbe.ReadAsync(root, cancellationToken).ConfigureAwait(false);
        var plan = new ConfigurePlanner(host.Templates).Plan(request, facts);
        await new ConfigureExecutor(host).ApplyAsync(root, plan, cancellationToken).ConfigureAwait(false);
        return BootArtifactsLocator.Locate(request.Root, plan.KernelCommandLine);
    }
}
