namespace Diskless.Plugins.QemuDirect.Tests;

public sealed class QmpClientTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qmp-").FullName;

    private string Socket => Path.Combine(_dir, "qmp.sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 10000)]
    public async Task Connecting_reads_the_greeting_and_negotiates_capabilities()
    {
        await using var server = new FakeQmpServer(Socket);

        await using var client = await QmpClient.ConnectAsync(Socket, CancellationToken.None);

        Assert.Equal(7, client.Greeting.GetProperty("QMP").GetProperty("version").GetProperty("qemu").GetProperty("major").GetInt32());
        Assert.Equal(["qmp_capabilities"], server.Commands);
    }

    [Fact(Timeout = 10000)]
    public async Task A_reply_after_an_event_is_returned_and_the_event_kept()
    {
        await using var server = new FakeQmpServer(Socket)
        {
            OnCommand = c => c == "system_powerdown"
                ? ["""{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "POWERDOWN"}""", """{"return": {}}"""]
                : c == "query-status" ? ["""{"return": {"status": "running", "running": true}}"""] : null,
        };
        await using var client = await QmpClient.ConnectAsync(Socket, CancellationToken.None);

        await client.ExecuteAsync("system_powerdown", null, CancellationToken.None);
        var status = await client.ExecuteAsync("query-status", null, CancellationToken.None);

        Assert.Equal("running", status.GetProperty("status").GetString());
        Assert.Equal("POWERDOWN", Assert.Single(client.Events).GetProperty("event").GetString());
        Assert.Equal(["qmp_capabilities", "system_powerdown", "query-status"], server.Commands);
    }

    [Fact(Timeout = 10000)]
    public async Task An_error_reply_becomes_a_QmpException_with_its_class()
    {
        await using var server = new FakeQmpServer(Socket)
        {
            OnCommand = c => c == "nonsense" ? ["""{"error": {"class": "CommandNotFound", "desc": "The command nonsense has not been found"}}"""] : null,
        };
        await using var client = await QmpClient.ConnectAsync(Socket, CancellationToken.None);

        var error = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("nonsense", null, CancellationToken.None));

        Assert.Equal("CommandNotFound", error.ErrorClass);
    }

    [Fact(Timeout = 10000)]
    public async Task A_connection_closed_before_the_reply_is_an_IOException()
    {
        await using var server = new FakeQmpServer(Socket) { OnCommand = c => c == "quit" ? [] : null };
        await using var client = await QmpClient.ConnectAsync(Socket, CancellationToken.None);

        await Assert.ThrowsAsync<IOException>(() => client.ExecuteAsync("quit", null, CancellationToken.None));
    }

    [Fact(Timeout = 10000)]
    public async Task Connecting_to_a_missing_socket_fails_with_a_socket_error()
    {
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => QmpClient.ConnectAsync(Socket, CancellationToken.None));
    }
}
