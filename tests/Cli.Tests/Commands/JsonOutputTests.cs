using System.Text.Json;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Tests.Pipeline;

namespace Diskless.Cli.Tests.Commands;

/// <summary>Every <c>--json</c> a script reads follows one set of conventions, whichever command wrote it.</summary>
public sealed class JsonOutputTests : IDisposable
{
    // '+' is one of the characters the default encoder escapes (as \u002B) and the relaxed one keeps.
    private readonly PipelineSandbox _sandbox = new("c++ tools");

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Status_and_validate_write_json_the_same_way()
    {
        await File.WriteAllTextAsync(Path.Combine(_sandbox.Project, "Disklessfile"), "name = \"dev\"\n");
        await _sandbox.CreatedMachineAsync();
        var status = new StringWriter();

        await StatusHandler.RunAsync(_sandbox.Services(status), null, json: true, CancellationToken.None);
        var validate = await CliRun.RunAsync(["validate", "--json"], _sandbox.Project);

        Assert.Equal(0, validate.ExitCode);
        Assert.Equal(Conventions(validate.Out), Conventions(status.ToString()));
        Assert.Equal(("  \"", true, true), Conventions(status.ToString()));
    }

    /// <summary>The indentation of the first property, whether every name is camelCase, whether '+' is written as itself.</summary>
    private static (string Indent, bool CamelCase, bool PlainPaths) Conventions(string json)
    {
        using var document = JsonDocument.Parse(json);
        var secondLine = json.Split('\n')[1];
        return (
            secondLine[..(secondLine.IndexOf('"', StringComparison.Ordinal) + 1)],
            Names(document.RootElement).All(n => char.IsLower(n[0])),
            json.Contains("c++ tools", StringComparison.Ordinal) && !json.Contains("\\u", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Names(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Names(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Names),
        _ => [],
    };
}
