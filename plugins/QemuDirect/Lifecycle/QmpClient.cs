using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// A minimal QEMU Machine Protocol client over a Unix socket: one JSON object per line, a greeting first,
/// then <c>qmp_capabilities</c>, then commands; asynchronous events may arrive between a command and its reply.
/// </summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private QmpClient(Socket socket, JsonElement greeting)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(stream, new UTF8Encoding(false));
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        Greeting = greeting;
    }

    /// <summary>The server's greeting (<c>{"QMP": {"version": …}}</c>).</summary>
    public JsonElement Greeting { get; private set; }

    /// <summary>Events received while waiting for replies, oldest first (e.g. POWERDOWN, SHUTDOWN).</summary>
    public List<JsonElement> Events { get; } = [];

    /// <summary>Connects, reads the greeting and leaves capabilities negotiation mode.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        QmpClient? client = null;
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            client = new QmpClient(socket, default);
            var greeting = await client.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
            if (!greeting.TryGetProperty("QMP", out _))
            {
                throw new QmpException("GenericError", $"expected a QMP greeting, got {greeting.GetRawText()}");
            }

            client.Greeting = greeting;
            await client.ExecuteAsync("qmp_capabilities", null, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    /// <summary>Runs a command and returns its <c>return</c> value; throws <see cref="QmpException"/> on an error reply.</summary>
    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }

        await _writer.WriteLineAsync(request.ToJsonString().AsMemory(), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var message = await ReadMessageAsync(cancellationToken).ConfigureAwait(false);
            if (message.TryGetProperty("return", out var result))
            {
                return result;
            }

            if (message.TryGetProperty("error", out var error))
            {
                throw new QmpException(
                    error.TryGetProperty("class", out var cls) ? cls.GetString() ?? "" : "",
                    error.TryGetProperty("desc", out var desc) ? desc.GetString() ?? "" : error.GetRawText());
            }

            if (message.TryGetProperty("event", out _))
            {
                Events.Add(message);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _writer.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<JsonElement> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("QEMU closed the QMP connection");
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}

/// <summary>QEMU answered a QMP command with an error.</summary>
public sealed class QmpException(string errorClass, string description) : Exception($"QMP error {errorClass}: {description}")
{
    /// <summary>QEMU's error class, e.g. "CommandNotFound".</summary>
    public string ErrorClass { get; } = errorClass;
}
