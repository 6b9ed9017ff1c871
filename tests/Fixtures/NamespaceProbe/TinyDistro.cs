using Diskless.Abstractions;

namespace Diskless.NamespaceProbe;

/// <summary>
/// A distro whose "base" is a few files guest root writes in seconds, so the base cache's namespace steps (the tree
/// given to guest root, the rename into bases/, the removal of a failed build) can run for real as the test user.
/// </summary>
internal sealed class TinyDistro(bool fail) : IDistro
{
    public string Name => "tiny";

    public string Description => "a few files";

    public IReadOnlyList<string> MissingCapabilities => [];

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SpecIssue>>([]);

    public BaseSpec DescribeBase(DistroSpec spec) => new("tiny", "one", "file:///nowhere", "amd64", [], new Dictionary<string, string>());

    public InitramfsHints DescribeInitramfs(DistroSpec spec) => throw new NotSupportedException();

    public async Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken)
    {
        var userNamespace = host.Namespace ?? throw new InvalidOperationException("the tiny distro builds only in a namespace");
        await host.Commands.RunAsync(
            userNamespace.Enter(new CommandSpec(
                "/bin/sh", "-c", "mkdir \"$1/etc\" && echo root:x:0:0 > \"$1/etc/passwd\" && echo s > \"$1/etc/shadow\" && chown 0:42 \"$1/etc/shadow\"", "sh", targetDirectory)),
            cancellationToken);
        if (fail)
        {
            throw new DisklessException("the tiny build failed on purpose");
        }
    }

    public Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();
}
