using Diskless.Abstractions;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Tests.Ssh;

public class ProcessExecTests
{
    // Only a program path that cannot exist is safe here: a successful exec would replace the test host itself.
    [Fact]
    public void A_program_that_cannot_be_executed_returns_an_error_instead_of_replacing_the_process()
    {
        var error = Assert.Throws<DisklessException>(() => ProcessExec.Replace(["/nonexistent/diskless-test/ssh", "-V"]));

        Assert.Contains("cannot run /nonexistent/diskless-test/ssh", error.Message, StringComparison.Ordinal);
        Assert.Contains("No such file", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Contains("openssh-client", error.Hint, StringComparison.Ordinal);
    }
}
