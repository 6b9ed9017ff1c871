using Diskless.Abstractions;

namespace Diskless.Plugins.Debian;

/// <summary>Debian root filesystems built with debootstrap, booted with initramfs-tools.</summary>
public sealed class DebianDistro : IDistro
{
    public string Name => "debian";

    public string Description => "Debian root filesystems built with debootstrap, booted with initramfs-tools.";

    public IReadOnlyList<string> MissingCapabilities { get; } = ["base build: not implemented", "configure: not implemented"];

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpecIssue>>([]);

    public BaseSpec DescribeBase(DistroSpec spec) => throw NotYet("building a base");

    public Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken) =>
        throw NotYet("building a base");

    public Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken) =>
        throw NotYet("configuring a machine");

    private DisklessException NotYet(string what) =>
        new($"The {Name} distro plugin cannot do {what} yet.", "Use distro name = \"debian\" for now.", ExitCodes.NotAvailable);
}
