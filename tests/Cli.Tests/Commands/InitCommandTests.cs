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
}
