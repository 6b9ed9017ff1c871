using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// Speaks enough QMP on a Unix socket for the tests: a greeting, then one reply per command. Every command is
/// recorded; <see cref="OnCommand"/> decides the reply (null: {"return": {}}) and may emit events first.
/// </summary>
internal sealed class FakeQmpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeQmpServer(string socketPath)
    {
        File.Delete(socketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(4);
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Every command received, in order.</summary>
    public List<string> Commands { get; } = [];

    /// <summary>Lines to send for a command (events and/or the reply); null for a plain success; an empty list sends nothing.</summary>
    public Func<string, IReadOnlyList<string>?> OnCommand { get; set; } = _ => null;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        await using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        try
        {
            await writer.WriteLineAsync("""{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "fake"}, "capabilities": ["oob"]}}""");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var command = JsonDocument.Parse(line).RootElement.GetProperty("execute").GetString()!;
                lock (Commands)
                {
                    Commands.Add(command);
                }

                foreach (var reply in OnCommand(command) ?? ["""{"return": {}}"""])
                {
                    await writer.WriteLineAsync(reply);
                }

                if (command == "quit")
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
        }
    }
}
