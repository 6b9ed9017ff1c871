using Diskless.Abstractions;

namespace Diskless.Fixtures.IsolationPlugin;

/// <summary>A distro that reports which System.CommandLine it sees and which IDistro type it implements.</summary>
public sealed class IsolationDistro : IDistro
{
    public string Name => "isolation";

    /// <summary>The version of the System.CommandLine assembly loaded for this plugin.</summary>
    public Version? DependencyVersion => typeof(System.CommandLine.RootCommand).Assembly.GetName().Version;

    /// <summary>The IDistro type this plugin was compiled against, as its load context resolved it.</summary>
    public Type ContractType => typeof(IDistro);

    public string Description => $"test plugin using System.CommandLine {DependencyVersion}";

    public IReadOnlyList<string> MissingCapabilities { get; } = [];

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpecIssue>>([]);

    public BaseSpec DescribeBase(DistroSpec spec) => throw new NotSupportedException();

    public InitramfsHints DescribeInitramfs(DistroSpec spec) => throw new NotSupportedException();

    public Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
