using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

public class QemuSettingsTests
{
    [Fact]
    public void Known_keys_are_read_and_what_reaches_the_host_is_a_request()
    {
        var spec = TestPlans.Provider(
            ("extra_args", new List<object> { "-device", "virtio-balloon-pci" }),
            ("graceful_timeout", "90s"),
            ("binary", "/opt/qemu/bin/qemu-system-x86_64"),
            ("virtiofsd", "/usr/libexec/virtiofsd"));

        var settings = QemuSettings.Parse(spec, out var issues);

        // A host program and extra arguments are valid, and each a request the user must trust: nothing else is.
        Assert.All(issues, i => Assert.True(i.IsRequest, i.ToString()));
        Assert.Equal(3, issues.Count);
        Assert.Contains(issues, i => i.Message == "binary runs the host program /opt/qemu/bin/qemu-system-x86_64");
        Assert.Contains(issues, i => i.Message == "virtiofsd runs the host program /usr/libexec/virtiofsd");
        Assert.Contains(issues, i => i.Message.StartsWith("extra_args hands QEMU arguments", StringComparison.Ordinal) && i.Message.Contains("virtio-balloon-pci", StringComparison.Ordinal));
        QemuSettings.Parse(TestPlans.Provider(("graceful_timeout", "90s"), ("cpu", "max")), out var withinTheProject);
        Assert.Empty(withinTheProject);
        Assert.Equal(["-device", "virtio-balloon-pci"], settings.ExtraArgs);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.GracefulTimeout);
        Assert.Equal("/opt/qemu/bin/qemu-system-x86_64", settings.Binary);
    }

    [Theory]
    [InlineData("max", null)]
    [InlineData("", "cpu must be a QEMU CPU model")]
    [InlineData("max -S", "cpu must be a QEMU CPU model")]
    public void Cpu_takes_one_model_name(string value, string? error)
    {
        var settings = QemuSettings.Parse(TestPlans.Provider(("cpu", value)), out var issues);

        if (error is null)
        {
            Assert.Empty(issues);
            Assert.Equal(value, settings.Cpu);
        }
        else
        {
            Assert.StartsWith(error, Assert.Single(issues).Message, StringComparison.Ordinal);
            Assert.Null(settings.Cpu);
        }
    }

    [Theory]
    [InlineData(30L, 30)]
    [InlineData("2m", 120)]
    [InlineData("1500ms", 1.5)]
    [InlineData("1m30s", 90)]
    [InlineData("1h", 3600)]
    public void Graceful_timeout_takes_seconds_or_a_duration(object value, double seconds)
    {
        var settings = QemuSettings.Parse(TestPlans.Provider(("graceful_timeout", value)), out var issues);

        Assert.Empty(issues);
        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.GracefulTimeout);
    }

    [Fact]
    public void Pvh_is_on_unless_turned_off()
    {
        var unset = QemuSettings.Parse(TestPlans.Provider(), out var unsetIssues);
        var off = QemuSettings.Parse(TestPlans.Provider(("pvh", false)), out var offIssues);
        var on = QemuSettings.Parse(TestPlans.Provider(("pvh", true)), out var onIssues);

        Assert.Empty(unsetIssues.Concat(offIssues).Concat(onIssues));
        Assert.True(unset.Pvh);
        Assert.False(off.Pvh);
        Assert.True(on.Pvh);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("no")]
    [InlineData(0L)]
    public void Pvh_takes_a_toml_boolean_only_and_says_where(object value)
    {
        var settings = QemuSettings.Parse(TestPlans.Provider(("pvh", value)), out var issues);

        var issue = Assert.Single(issues);
        Assert.Equal("pvh must be true or false", issue.Message);
        Assert.Equal(new SourceLocation("Disklessfile", 7, 1), issue.Location);
        Assert.True(settings.Pvh);
    }

    [Fact]
    public void A_misspelt_key_is_reported_where_it_is_written_with_a_suggestion()
    {
        QemuSettings.Parse(TestPlans.Provider(("extra_arg", new List<object> { "-S" })), out var issues);

        var issue = Assert.Single(issues);
        Assert.Equal("unknown key 'extra_arg' in [provider] for the qemu provider", issue.Message);
        Assert.Equal("did you mean 'extra_args'?", issue.Hint);
        Assert.Equal(new SourceLocation("Disklessfile", 7, 1), issue.Location);
    }

    [Fact]
    public void An_unknown_key_far_from_any_known_one_lists_the_known_keys()
    {
        QemuSettings.Parse(TestPlans.Provider(("colour", "blue")), out var issues);

        Assert.Contains("extra_args, graceful_timeout", Assert.Single(issues).Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("extra_args", "-S")]
    [InlineData("graceful_timeout", "soon")]
    [InlineData("graceful_timeout", -5L)]
    [InlineData("binary", "qemu")]
    public void Values_of_the_wrong_kind_are_reported(string key, object value)
    {
        QemuSettings.Parse(TestPlans.Provider((key, value)), out var issues);

        Assert.StartsWith(key, Assert.Single(issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_reports_settings_and_bad_ports_together()
    {
        var provider = new QemuDirectProvider();
        var machine = new MachineSpec(
            "dev", "/p", "/p/Disklessfile", 2, 1024,
            new DistroSpec("debian", null, null, [], "dev", "C.UTF-8", "UTC", new Dictionary<string, SpecValue>(), null),
            TestPlans.Provider(("extra_arg", "x")),
            new ShareSpec(null),
            [],
            [new PortForward(8080, 80, "sctp"), new PortForward(8081, 81, HostAddress: "localhost"), new PortForward(8082, 82, HostAddress: "::1")],
            [],
            TimeSpan.FromMinutes(3));

        var issues = await provider.ValidateAsync(machine, CancellationToken.None);

        Assert.Equal(4, issues.Count);
        Assert.Contains(issues, i => i.Message.Contains("\"::1\"", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("\"sctp\"", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("\"localhost\"", StringComparison.Ordinal));
    }
}
