namespace Diskless.Abstractions;

/// <summary>A distro plugin: builds base root filesystems and configures machine roots to boot from a share.</summary>
public interface IDistro : IPlugin
{
    /// <summary>Checks the distro's keys (including <see cref="DistroSpec.Settings"/>); returns the problems, none when valid.</summary>
    Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken);

    /// <summary>Resolves defaults into the full description of the base this spec needs (pure: touches nothing).</summary>
    BaseSpec DescribeBase(DistroSpec spec);

    /// <summary>
    /// Where a machine of <paramref name="spec"/> lists its initramfs modules and how it rebuilds its initramfs (pure),
    /// for the hints of a provider's console diagnosis.
    /// </summary>
    InitramfsHints DescribeInitramfs(DistroSpec spec);

    /// <summary>
    /// Builds the base into <paramref name="targetDirectory"/>, an empty folder in the data dir's temp area.
    /// The host renames it into the cache only when this returns; on failure or cancellation it deletes it.
    /// </summary>
    Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken);

    /// <summary>Configures a fresh clone of the base for its machine and shares; returns what to boot.</summary>
    Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken);
}
