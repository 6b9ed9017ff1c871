using Diskless.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// The test base's kernel and initramfs, for tests that boot or unpack a real kernel. The base is built here, outside
/// any one test's timeout, when the host can build it (root and debootstrap, or CI where nothing may skip); where it
/// cannot, the tests that need it skip for the same reason and never ask.
/// </summary>
public sealed class BaseKernelFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    private BaseKernel? _kernel;

    /// <summary>The prerequisites of building the base; the tests that use this fixture carry the same.</summary>
    public static readonly string[] BuildPrograms = ["debootstrap", "chroot"];

    public BaseKernel Kernel => _kernel ?? throw new InvalidOperationException("the test base could not be built here: " + Prerequisites.Missing(root: true, BuildPrograms));

    public async Task InitializeAsync()
    {
        if (Prerequisites.Missing(root: true, BuildPrograms) is not null)
        {
            return;
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        _kernel = await DebianTestBase.EnsureKernelAsync(line => diagnostics.OnMessage(new DiagnosticMessage(line)), cancel.Token);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
