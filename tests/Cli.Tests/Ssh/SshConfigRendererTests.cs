using Diskless.Abstractions;
using Diskless.Cli.Ssh;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

public class SshConfigRendererTests
{
    [Fact]
    public void Each_machine_gets_a_host_block_with_pinned_known_hosts()
    {
        SshConfigEntry[] entries =
        [
            new("web", new SshTarget(new SshEndpoint("127.0.0.1", 2222), "dev", "/p/.diskless/machines/web/id_ed25519", [TestKeys.HostA]), "/p/.diskless/machines/web/known_hosts"),
            new("db", new SshTarget(new SshEndpoint("127.0.0.1", 2223), "dev", "/my project/.diskless/machines/db/id_ed25519", [TestKeys.HostB]), "/my project/.diskless/machines/db/known_hosts"),
        ];

        var text = SshConfigRenderer.Render(new LiquidTemplates(), entries);

        Golden.AssertText(text, "ssh-config.txt");
    }
}
