using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Errors;

/// <summary>
/// Turns an exception into what a person reads on standard error and the exit code the program ends with.
/// Stack traces only with <c>--verbose</c>: an error for people says what failed and what to do.
/// </summary>
/// <param name="error">Standard error.</param>
/// <param name="verbose">Whether <c>--verbose</c> was given.</param>
public sealed class ErrorReporter(TextWriter error, bool verbose)
{
    /// <summary>Writes <paramref name="exception"/> for people and returns the exit code.</summary>
    /// <param name="exception">What went wrong.</param>
    /// <param name="cancellationRequested">Whether the user interrupted the command; any error is then reported as the cancellation.</param>
    public int Report(Exception exception, bool cancellationRequested = false)
    {
        exception = Unwrap(exception);
        if (exception is OperationCanceledException || (cancellationRequested && exception is not DisklessException))
        {
            error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }

        if (exception is ConfigurationException { Issues.Count: > 1 } configuration)
        {
            // Every problem on its own line, file:line:column first, so one run shows all there is to fix.
            error.WriteLine($"error: the Disklessfile has {configuration.Issues.Count} problems:");
            foreach (var issue in configuration.Issues)
            {
                error.WriteLine("  " + issue);
            }

            return configuration.ExitCode;
        }

        if (exception is DisklessException known)
        {
            WriteMessage("error: ", known.Message);
            WriteDetails(known);
            if (!string.IsNullOrWhiteSpace(known.Hint))
            {
                error.WriteLine("hint: " + known.Hint);
            }

            WriteStackTrace(known);
            return known.ExitCode;
        }

        WriteMessage("error: unexpected: ", exception.Message);
        if (!verbose)
        {
            error.WriteLine("hint: run the command again with --verbose to see where it happened");
        }

        WriteStackTrace(exception);
        return ExitCodes.Failure;
    }

    // A message of several lines (a configuration error lists every issue) keeps its later lines indented under the first.
    private void WriteMessage(string prefix, string message)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n');
        error.WriteLine(prefix + lines[0]);
        foreach (var line in lines.Skip(1))
        {
            error.WriteLine("  " + line);
        }
    }

    private void WriteDetails(DisklessException exception)
    {
        switch (exception)
        {
            case CommandFailedException failed:
                error.WriteLine("  command: " + failed.Command);
                if (failed.OutputTail.Count > 0)
                {
                    error.WriteLine($"  last {failed.OutputTail.Count} line(s) of its output:");
                    foreach (var line in failed.OutputTail)
                    {
                        error.WriteLine("  | " + line);
                    }
                }

                break;
        }
    }

    private void WriteStackTrace(Exception exception)
    {
        if (verbose)
        {
            error.WriteLine(exception.ToString());
        }
    }

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;
}
