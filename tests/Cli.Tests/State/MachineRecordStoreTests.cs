using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class MachineRecordStoreTests
{
    private static MachineRecord Sample(string stateDirectory) => new()
    {
        Id = "0123456789ab",
        Name = "dev",
        Provider = "qemu",
        Distro = "debian",
        CreatedAt = new DateTimeOffset(2026, 11, 23, 10, 42, 3, TimeSpan.Zero),
        SetupComplete = true,
        BaseKey = "debian-bookworm-3f2a",
        RootPath = "/var/lib/diskless/machines/0123456789ab",
        SshPort = 2222,
        ProviderData = new Dictionary<string, string> { ["qemuPid"] = "4242" },
        StateDirectory = stateDirectory,
        RuntimeDirectory = "/run/diskless/abcdef0123",
        ConsoleLogPath = stateDirectory + "/console.log",
        Provisioned = true,
        ProvisionedWith = ["shell: apt-get install -y nginx"],
        LastBootSeconds = 33.5,
    };

    [Fact]
    public async Task An_absent_machine_loads_as_null()
    {
        using var temp = new TempFolder();

        Assert.Null(await MachineRecordStore.LoadAsync(temp.Path, CancellationToken.None));
    }

    [Fact]
    public async Task A_saved_record_loads_back_equal_and_reads_as_camelCase_json()
    {
        using var temp = new TempFolder();
        var record = Sample(temp.Path);

        await MachineRecordStore.SaveAsync(temp.Path, record, CancellationToken.None);
        var loaded = await MachineRecordStore.LoadAsync(temp.Path, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(record with { ProviderData = loaded.ProviderData, ProvisionedWith = loaded.ProvisionedWith }, loaded);
        Assert.Equal(record.ProviderData, loaded.ProviderData);
        Assert.Equal(record.ProvisionedWith, loaded.ProvisionedWith);
        var json = await File.ReadAllTextAsync(temp.Combine("machine.json"));
        Assert.Contains("\n  \"setupComplete\": true,", json, StringComparison.Ordinal);
        Assert.Contains("\"qemuPid\": \"4242\"", json, StringComparison.Ordinal);
        Assert.Contains("\"lastBootSeconds\": 33.5", json, StringComparison.Ordinal);
    }

    [Fact]
    public void New_ids_are_twelve_random_hex_digits()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => MachineRecord.NewId()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{12}$", id));
        Assert.Equal(100, ids.Distinct().Count());
    }

    [Fact]
    public void The_handle_carries_what_a_provider_needs()
    {
        var record = Sample("/p/.diskless/machines/dev");

        var handle = record.ToHandle();

        Assert.Equal(("dev", "0123456789ab", "/run/diskless/abcdef0123", "/p/.diskless/machines/dev/console.log"), (handle.MachineName, handle.MachineId, handle.RuntimeDirectory, handle.ConsoleLogPath));
        Assert.Equal("4242", handle.Data["qemuPid"]);
    }
}
