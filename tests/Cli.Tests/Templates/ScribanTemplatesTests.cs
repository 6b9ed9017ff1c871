using Diskless.Abstractions;
using Diskless.Cli.Templates;

namespace Diskless.Cli.Tests.Templates;

public sealed class ScribanTemplatesTests
{
    public sealed record ShareView(string Tag, string GuestPath, ShareTransport Transport, bool ReadOnly);

    public sealed record FstabView(string MachineName, IReadOnlyList<ShareView> Shares);

    private readonly ScribanTemplates _templates = new();

    [Fact]
    public void Members_are_read_in_snake_case_through_nested_records_and_lists_with_whitespace_control()
    {
        var text = _templates.Render(typeof(ScribanTemplatesTests).Assembly, "fstab-like.liquid", new FstabView(
            "dev",
            [new ShareView("share0", "/project", ShareTransport.VirtioFs, false), new ShareView("share1", "/data", ShareTransport.NineP, true)]));

        Assert.Equal("# dev\nshare0 /project VirtioFs\nshare1 /data NineP ro\n", text);
    }

    [Fact]
    public void A_variable_the_model_does_not_have_is_an_error_naming_it()
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() =>
            _templates.Render(typeof(ScribanTemplatesTests).Assembly, "typo.liquid", new FstabView("dev", [])));

        Assert.Contains("machine_nmae", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_templates_escape_every_value()
    {
        var text = _templates.Render(typeof(ScribanTemplatesTests).Assembly, "domain.xml.liquid", new FstabView("a<b>&'\"", []));

        Assert.Equal("<name>a&lt;b&gt;&amp;&apos;&quot;</name>\n", text);
    }

    [Fact]
    public void A_missing_template_names_the_assembly_and_the_expected_resource()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            _templates.Render(typeof(ScribanTemplatesTests).Assembly, "absent.liquid", new FstabView("dev", [])));

        Assert.Contains("Templates/absent.liquid", error.Message, StringComparison.Ordinal);
    }
}
