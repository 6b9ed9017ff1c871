using System.Diagnostics;

namespace Diskless.Abstractions.Tests;

/// <summary>The real /proc, read for a child whose name is built to confuse a naive parser of /proc/pid/stat.</summary>
public sealed class ProcProcessTableTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("proc-table-").FullName;
    private readonly ProcProcessTable _table = new();

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public async Task A_running_child_is_alive_not_exiting_and_found_by_its_command_line_then_gone_once_killed()
    {
        // comm is the file name cut to 15 characters: ") Z 1 2 3 4 4 4" would read as a zombie with flags 4 to a
        // parser that counted from the first ')'.
        var program = Path.Combine(_tmp, ") Z 1 2 3 4 4 4");
        File.Copy("/bin/sleep", program);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var child = Process.Start(new ProcessStartInfo(program, "60"))!;

        var alive = _table.IsAlive(child.Id);
        var exiting = _table.IsExiting(child.Id);
        var found = _table.FindByCommandLine(_tmp, "60");
        child.Kill();
        await child.WaitForExitAsync();

        Assert.True(alive);
        Assert.False(exiting);
        Assert.Equal([child.Id], found);
        Assert.False(_table.IsAlive(child.Id));
        Assert.False(_table.IsExiting(child.Id));
        Assert.Null(_table.CommandLine(child.Id));
    }

    [Fact]
    public void This_process_is_alive_and_no_pid_below_one_is()
    {
        Assert.True(_table.IsAlive(Environment.ProcessId));
        Assert.False(_table.IsExiting(Environment.ProcessId));
        Assert.False(_table.IsAlive(0));
        Assert.False(_table.IsExiting(-1));
    }

    [Fact(Timeout = 10_000)]
    public async Task This_process_is_owned_by_the_uid_it_runs_as_and_a_gone_one_by_nobody()
    {
        using var id = Process.Start(new ProcessStartInfo("id", "-ru") { RedirectStandardOutput = true })!;
        var ownUid = int.Parse(await id.StandardOutput.ReadToEndAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await id.WaitForExitAsync();

        Assert.Equal(ownUid, _table.OwnerUid(Environment.ProcessId));
        Assert.Null(_table.OwnerUid(0));
        Assert.Null(_table.OwnerUid(int.MaxValue));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_process_is_found_as_ones_own_only_by_its_owner_and_whole_argv_elements()
    {
        // An argument holding a space and an empty one: the joined command line would blur both. The shell waits on a
        // builtin, so killing it leaves no child behind.
        var word = Path.Combine(_tmp, "a b");
        using var child = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "read -r _", word, "" }, RedirectStandardInput = true })!;
        try
        {
            var ownUid = _table.OwnerUid(Environment.ProcessId)!.Value;

            var argv = _table.Argv(child.Id);
            var byWholeElement = _table.FindOwned(ownUid, a => a.Contains(word));
            var byPrefixOnly = _table.FindOwned(ownUid, a => a.Contains(Path.Combine(_tmp, "a")));
            var byOtherOwner = _table.FindOwned(ownUid + 1, a => a.Contains(word));

            Assert.Equal(["/bin/sh", "-c", "read -r _", word, ""], argv);
            Assert.Equal([child.Id], byWholeElement);
            Assert.Empty(byPrefixOnly);
            Assert.Empty(byOtherOwner);
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync();
        }

        Assert.Null(_table.Argv(child.Id));
    }
}
