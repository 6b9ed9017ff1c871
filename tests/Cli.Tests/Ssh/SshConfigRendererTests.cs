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

        var text = SshConfigRenderer.Render(new ScribanTemplates(), entries);

        Golden.AssertText(text, "ssh-config.txt");
        var blocks = HostBlocks(text);
        Assert.Equal(entries.Select(e => e.Machine), blocks.Select(b => b.Name));
        foreach (var (entry, block) in entries.Zip(blocks.Select(b => b.Keywords)))
        {
            Assert.Equal(entry.Target.Endpoint.Host, block["HostName"]);
            Assert.Equal(entry.Target.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), block["Port"]);
            Assert.Equal(entry.Target.User, block["User"]);
            Assert.Equal(entry.Target.PrivateKeyPath, block["IdentityFile"]);
            Assert.Equal("yes", block["IdentitiesOnly"]);

            // Pinned: this machine's own known_hosts and no system-wide one, checked strictly, so only the key Diskless wrote
            // there passes; as `diskless ssh` does, no agent's keys are offered to the guest.
            Assert.Equal(entry.KnownHostsPath, block["UserKnownHostsFile"]);
            Assert.Equal("/dev/null", block["GlobalKnownHostsFile"]);
            Assert.Equal("yes", block["StrictHostKeyChecking"]);
            Assert.Equal("no", block["PasswordAuthentication"]);
            Assert.Equal("none", block["IdentityAgent"]);
        }
    }

    /// <summary>
    /// The Host blocks of an ssh_config in order, each with its keyword → value. A value in double quotes is unquoted; an
    /// unquoted value must be one word (ssh_config splits at whitespace), so a path with a space proves its quotes.
    /// </summary>
    private static List<(string Name, Dictionary<string, string> Keywords)> HostBlocks(string text)
    {
        var blocks = new List<(string Name, Dictionary<string, string> Keywords)>();
        Dictionary<string, string>? current = null;
        foreach (var line in text.Split('\n').Where(l => l.Trim().Length > 0))
        {
            var words = line.Trim().Split(' ', 2);
            var value = words[1].StartsWith('"') && words[1].EndsWith('"') ? words[1][1..^1] : words[1];
            Assert.True(value != words[1] || !value.Contains(' ', StringComparison.Ordinal), $"'{line}' has an unquoted space");
            if (words[0] == "Host")
            {
                Assert.DoesNotContain(blocks, b => b.Name == value);
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                blocks.Add((value, current));
            }
            else
            {
                Assert.NotNull(current);
                Assert.True(current.TryAdd(words[0], value), $"{words[0]} given twice in one Host block");
            }
        }

        return blocks;
    }
}
