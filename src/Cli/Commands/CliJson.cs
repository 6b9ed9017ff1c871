using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diskless.Cli.Commands;

/// <summary>
/// The JSON form of every command output scripts read (<c>--json</c>): camelCase names, enums as camelCase strings,
/// indented, and paths written as they are ('+', quotes and non-ASCII letters not escaped). State files have their own
/// settings (<see cref="State.JsonState"/>); what a script reads follows these, whichever command wrote it.
/// </summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, Options));
}
