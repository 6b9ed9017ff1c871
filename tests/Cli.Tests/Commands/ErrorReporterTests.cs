using Diskless.Abstractions;
using Diskless.Cli.Errors;

namespace Diskless.Cli.Tests.Commands;

public sealed class ErrorReporterTests
{
    private static (int ExitCode, string Text) Report(Exception exception, bool verbose = false, bool cancelled = false)
    {
        using var error = new StringWriter();
        var code = new ErrorReporter(error, verbose).Report(exception, cancelled);
        return (code, error.ToString());
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public void A_DisklessException_prints_its_message_and_hint_and_exits_with_its_code()
    {
        var (code, text) = Report(new DisklessException("no Disklessfile in /p or above", "run `diskless init`", ExitCodes.InvalidConfiguration));

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Equal("error: no Disklessfile in /p or above\nhint: run `diskless init`\n", text);
    }

    [Fact]
    public void A_failed_command_shows_the_command_and_the_tail_of_its_output()
    {
        var command = new CommandSpec("debootstrap", "bookworm", "/t") { Description = "debootstrap bookworm" };
        var (code, text) = Report(new CommandFailedException(command, 1, ["E: Couldn't download", "E: giving up"], "check the mirror"));

        Assert.Equal(ExitCodes.ExternalToolFailed, code);
        Assert.Equal(
            "error: debootstrap bookworm (debootstrap) failed with exit code 1\n"
            + "  command: debootstrap bookworm /t\n"
            + "  last 2 line(s) of its output:\n"
            + "  | E: Couldn't download\n"
            + "  | E: giving up\n"
            + "hint: check the mirror\n",
            text);
    }

    [Fact]
    public void A_message_of_several_lines_keeps_its_later_lines_indented()
    {
        var (code, text) = Report(new DisklessException("D:1:1: unknown key 'cpu'\nD:2:1: bad memory", null, ExitCodes.InvalidConfiguration));

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Equal("error: D:1:1: unknown key 'cpu'\n  D:2:1: bad memory\n", text);
    }

    [Fact]
    public void Cancellation_prints_one_line_and_exits_130()
    {
        Assert.Equal((ExitCodes.Cancelled, "cancelled\n"), Report(new OperationCanceledException()));
        Assert.Equal((ExitCodes.Cancelled, "cancelled\n"), Report(new TaskCanceledException()));
        Assert.Equal((ExitCodes.Cancelled, "cancelled\n"), Report(new IOException("broken pipe"), cancelled: true));
    }

    [Fact]
    public void An_unexpected_exception_exits_1_without_a_stack_trace()
    {
        var (code, text) = Report(Thrown(new InvalidOperationException("boom")));

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Equal("error: unexpected: boom\nhint: run the command again with --verbose to see where it happened\n", text);
    }

    [Fact]
    public void With_verbose_an_unexpected_exception_shows_its_stack_trace()
    {
        var (code, text) = Report(Thrown(new InvalidOperationException("boom")), verbose: true);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("error: unexpected: boom\nSystem.InvalidOperationException: boom\n   at ", text, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_aggregate_of_one_exception_is_reported_as_that_exception()
    {
        var (code, text) = Report(new AggregateException(new DisklessException("locked", null, ExitCodes.Locked)));

        Assert.Equal((ExitCodes.Locked, "error: locked\n"), (code, text));
    }
}
