namespace Diskless.Abstractions.Tests;

public sealed class LogTailTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("log-tail-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public async Task A_log_that_does_not_exist_yet_has_no_lines()
    {
        var tail = await LogTail.ReadAsync(Path.Combine(_tmp, "console.log"), 10, CancellationToken.None);

        Assert.Empty(tail);
    }

    [Fact]
    public async Task The_tail_is_the_last_lines_as_a_person_reads_them_without_colour_carriage_returns_or_blank_lines()
    {
        var log = Path.Combine(_tmp, "console.log");
        await File.WriteAllTextAsync(log, "first\r\nsecond\r\n\r\n\u001b[0;32m  OK  \u001b[0m] Started ssh.service\r\nKernel panic - not syncing: oops   \r\n\r\n");

        var tail = await LogTail.ReadAsync(log, 3, CancellationToken.None);

        Assert.Equal(["second", "  OK  ] Started ssh.service", "Kernel panic - not syncing: oops"], tail);
    }

    [Fact]
    public async Task A_long_log_is_read_from_its_end_and_the_line_cut_by_the_window_is_left_out()
    {
        var log = Path.Combine(_tmp, "console.log");
        var lines = Enumerable.Range(1, 20_000).Select(i => $"line {i}").ToList();
        await File.WriteAllLinesAsync(log, lines);

        var tail = await LogTail.ReadAsync(log, int.MaxValue, CancellationToken.None);

        Assert.Equal("line 20000", tail[^1]);
        Assert.True(tail.Count < lines.Count);
        Assert.StartsWith("line ", tail[0], StringComparison.Ordinal);
        Assert.Equal(lines[^tail.Count..], tail);
    }
}
