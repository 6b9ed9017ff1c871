using Diskless.Abstractions;
using Diskless.Cli.Templates;

namespace Diskless.Cli.Tests.Templates;

public sealed class ScribanTemplatesTests
{
    public sealed record ShareView(string Tag, string GuestPath, ShareTransport Transport, bool ReadOnly);

    public sealed record FstabView(string MachineName, IReadOnlyList<ShareView> Shares);

    private static readonly System.Reflection.Assembly Owner = typeof(ScribanTemplatesTests).Assembly;

    private readonly ScribanTemplates _templates = new();

    [Fact]
    public void A_loop_over_a_list_of_records_reads_members_in_snake_case_with_whitespace_control()
    {
        var text = _templates.Render(Owner, "fstab-like.liquid", new FstabView(
            "dev",
            [new ShareView("share0", "/project", ShareTransport.VirtioFs, false), new ShareView("share1", "/data", ShareTransport.NineP, true)]));

        Assert.Equal("# dev\nshare0 /project VirtioFs\nshare1 /data NineP ro\n", text);
    }

    [Fact]
    public void A_variable_the_model_does_not_have_is_an_error_naming_the_template_line_and_column()
    {
        var error = Assert.Throws<TemplateException>(() => _templates.Render(Owner, "typo.liquid", new FstabView("dev", [])));

        Assert.Equal(("typo.liquid", "Diskless.Cli.Tests", 1, 4), (error.TemplateName, error.Owner, error.Line, error.Column));
        Assert.Contains("machine_nmae", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Template typo.liquid of Diskless.Cli.Tests, line 1, column 4:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_a_record_in_a_loop_does_not_have_is_an_error_at_its_line_and_column()
    {
        var error = Assert.Throws<TemplateException>(() => _templates.Render(Owner, "member-typo.liquid", new FstabView(
            "dev",
            [new ShareView("share0", "/project", ShareTransport.VirtioFs, false)])));

        Assert.Equal(("member-typo.liquid", "Diskless.Cli.Tests", 3, 26), (error.TemplateName, error.Owner, error.Line, error.Column));
        Assert.Contains("guest_pth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_read_over_an_empty_list_is_never_evaluated_so_it_renders()
    {
        // Strictness is at run time: the typo above is caught where it is read, and the parse-everything test below
        // is what catches syntax errors in branches a test does not reach.
        Assert.Equal("# dev\n", _templates.Render(Owner, "member-typo.liquid", new FstabView("dev", [])));
    }

    [Fact]
    public void A_parse_error_is_an_error_naming_the_template_line_and_column_at_first_render()
    {
        var error = Assert.Throws<TemplateException>(() => _templates.Render(Owner, "broken.liquid", new FstabView("dev", [])));

        Assert.Equal(("broken.liquid", "Diskless.Cli.Tests", 4, 4), (error.TemplateName, error.Owner, error.Line, error.Column));
        Assert.StartsWith("Template broken.liquid of Diskless.Cli.Tests, line 4, column 4:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_templates_escape_every_value_nested_ones_too()
    {
        var text = _templates.Render(Owner, "domain.xml.liquid", new FstabView("a<b>&'\"", [new ShareView("t&'", "/p<q>", ShareTransport.VirtioFs, false)]));

        Assert.Equal("<name>a&lt;b&gt;&amp;&apos;&quot;</name>\n<filesystem tag='t&amp;&apos;' target='/p&lt;q&gt;'/>\n", text);
    }

    [Fact]
    public void Other_templates_render_values_as_they_are()
    {
        var text = _templates.Render(Owner, "fstab-like.liquid", new FstabView("a<b>&'\"", [new ShareView("t&'", "/p<q>", ShareTransport.NineP, false)]));

        Assert.Equal("# a<b>&'\"\nt&' /p<q> NineP\n", text);
    }

    [Fact]
    public void A_missing_template_names_the_assembly_and_the_expected_resource()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _templates.Render(Owner, "absent.liquid", new FstabView("dev", [])));

        Assert.Contains("Templates/absent.liquid", error.Message, StringComparison.Ordinal);
        Assert.Contains("Diskless.Cli.Tests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_renders_of_one_template_each_get_their_own_model()
    {
        // Every thread starts at once and renders long lists, again and again, so renders overlap: a context, a
        // global scope or an output shared between renders would put one machine's shares into another's text.
        const int threads = 8;
        const int rounds = 20;
        var start = new Barrier(threads);
        var shares = Enumerable.Range(0, 500).ToList();
        var tasks = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var model = new FstabView($"m{t}", shares.Select(s => new ShareView($"m{t}s{s}", $"/p{s}", ShareTransport.VirtioFs, false)).ToList());
                start.SignalAndWait();
                return (t, Texts: Enumerable.Range(0, rounds).Select(_ => _templates.Render(Owner, "fstab-like.liquid", model)).ToList());
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToList();

        foreach (var (t, texts) in await Task.WhenAll(tasks))
        {
            var expected = $"# m{t}\n" + string.Concat(shares.Select(s => $"m{t}s{s} /p{s} VirtioFs\n"));
            Assert.All(texts, text => Assert.Equal(expected, text));
        }
    }
}
