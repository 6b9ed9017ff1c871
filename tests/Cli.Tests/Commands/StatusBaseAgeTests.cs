using System.Text.Json;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Tests.Pipeline;

namespace Diskless.Cli.Tests.Commands;

/// <summary>A rolling release's base ages: status says which base a machine was cloned from and how old it is.</summary>
public sealed class StatusBaseAgeTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Status_names_the_machines_base_and_its_age_in_days_in_text_and_json()
    {
        const string Key = "arch-2026-11-x86_64-0123456789abcdef";
        await File.WriteAllTextAsync(Path.Combine(_sandbox.Project, "Disklessfile"), "name = \"dev\"\n");
        var baseFolder = Directory.CreateDirectory(Path.Combine(_sandbox.Paths.BasesDirectory, Key)).FullName;
        await _sandbox.CreatedMachineAsync(r => r with { BaseKey = Key });
        var built = new DateTimeOffset(Directory.GetCreationTimeUtc(baseFolder), TimeSpan.Zero);
        var services = _sandbox.Services(new StringWriter()) with { Time = new FixedTime(built.AddDays(3).AddHours(5)) };

        await StatusHandler.RunAsync(services, null, json: false, CancellationToken.None);
        var json = new StringWriter();
        await StatusHandler.RunAsync(services with { Out = json }, null, json: true, CancellationToken.None);

        Assert.Contains($"base {Key}, built 3 days ago", services.Out.ToString(), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.ToString());
        var report = document.RootElement.GetProperty("machines")[0].GetProperty("base");
        Assert.Equal(Key, report.GetProperty("key").GetString());
        Assert.Equal(3, report.GetProperty("ageDays").GetInt32());
    }

    [Fact]
    public async Task A_machine_whose_base_left_the_cache_shows_no_base()
    {
        await File.WriteAllTextAsync(Path.Combine(_sandbox.Project, "Disklessfile"), "name = \"dev\"\n");
        await _sandbox.CreatedMachineAsync(r => r with { BaseKey = "debian-bookworm-amd64-gone" });
        var output = new StringWriter();

        await StatusHandler.RunAsync(_sandbox.Services(output), null, json: false, CancellationToken.None);

        Assert.DoesNotContain("base ", output.ToString(), StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
