using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class AtomicFileTests
{
    [Fact]
    public async Task Writing_replaces_the_file_and_leaves_no_temp_file()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("machine.json");
        await File.WriteAllTextAsync(path, "old content that is longer");

        await AtomicFile.WriteAllTextAsync(path, "new", CancellationToken.None);

        Assert.Equal("new", await File.ReadAllTextAsync(path));
        Assert.Equal(["machine.json"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_failed_write_keeps_the_old_content_and_no_temp_file()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("machine.json");
        await File.WriteAllTextAsync(path, "old");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAllTextAsync(path, "new", cancelled.Token));

        Assert.Equal("old", await File.ReadAllTextAsync(path));
        Assert.Equal(["machine.json"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_file_gets_the_requested_mode()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("secret");

        await AtomicFile.WriteAllTextAsync(path, "x", CancellationToken.None, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task A_damaged_state_file_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("machine.json");
        await File.WriteAllTextAsync(path, "{ not json");

        var error = await Assert.ThrowsAsync<DisklessException>(() => JsonState.LoadAsync<MachineRecord>(path, CancellationToken.None));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }
}
