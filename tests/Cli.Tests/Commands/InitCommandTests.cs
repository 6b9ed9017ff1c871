using Diskless.Abstractions;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Commands;

public sealed class InitCommandTests : IDisposable
{
    private readonly TempFolder project = new();

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Init_refuses_to_overwrite_an_existing_Disklessfile()
    {
        var path = project.Sub("Disklessfile");
        File.WriteAllText(path, "name = \"mine\"\n");

        var run = await CliRun.RunAsync(["init"], project.Path);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal($"error: {path} already exists\nhint: edit it, or delete it and run `diskless init` again; `diskless validate` checks it\n", run.Err);
        Assert.Equal("name = \"mine\"\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Init_writes_a_starter_Disklessfile_that_validates()
    {
        var run = await CliRun.RunAsync(["init", "box"], project.Path);
        var validate = await CliRun.RunAsync(["validate", "--json"], project.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"wrote {project.Sub("Disklessfile")}\n", run.Out);
        Assert.True(File.Exists(project.Sub("Disklessfile")));
        Assert.Equal(0, validate.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(validate.Out);
        Assert.Equal("box", json.RootElement.GetProperty("machines")[0].GetProperty("name").GetString());
    }
}
