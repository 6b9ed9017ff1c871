using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// Machine state lives in the data dir, where no guest reaches; what an earlier version left in the project (which the
/// guest writes) is moved over once and read as the guest could have left it. Fake plugins; real files and links.
/// </summary>
public sealed class MachineStateTrustTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();
    private readonly string _canary;

    public MachineStateTrustTests()
    {
        _canary = Path.Combine(_sandbox.Root, "outside", "canary");
        Directory.CreateDirectory(Path.GetDirectoryName(_canary)!);
        File.WriteAllText(_canary, "the user's file\n");
    }

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task An_earlier_versions_machine_moves_into_the_data_dir_once_losing_nothing()
    {
        var record = await LegacyMachineAsync();
        await File.WriteAllTextAsync(Path.Combine(_sandbox.LegacyStateDirectory, "id_ed25519"), "private key");
        await File.WriteAllTextAsync(Path.Combine(_sandbox.LegacyStateDirectory, "console.log"), "old console");
        var status = new StringWriter();

        await StatusHandler.RunAsync(_sandbox.Services(status), null, json: false, CancellationToken.None);

        Assert.Contains("dev", status.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not created", status.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_sandbox.LegacyStateDirectory));
        Assert.Equal("private key", await File.ReadAllTextAsync(Path.Combine(_sandbox.StateDirectory, "id_ed25519")));
        Assert.Equal("old console", await File.ReadAllTextAsync(Path.Combine(_sandbox.StateDirectory, "console.log")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_sandbox.StateDirectory, "id_ed25519")));
        var moved = (await MachineRecordStore.LoadAsync(_sandbox.StateDirectory, CancellationToken.None))!;
        Assert.Equal(record.Id, moved.Id);
        Assert.Equal(_sandbox.StateDirectory, moved.StateDirectory);
        // The guest could have written booted=false: whatever the old record said, nothing from the root runs on the host again.
        Assert.True(moved.Booted);
        Assert.Contains(_sandbox.Progress.Lines, l => l.Contains("moved from " + _sandbox.LegacyStateDirectory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Files_no_earlier_version_kept_in_the_project_are_the_guests_and_are_not_moved()
    {
        await LegacyMachineAsync();
        // What started-as.json would steer: a reload that changes more than [[ports]] taken for a ports-only one.
        string[] planted = [PortsOnlyReload.FileName, Cli.Agent.Ports.ForwardsState.AutoFileName, Cli.Agent.Ports.ForwardsState.AddedFileName, Cli.Agent.AgentPidFile.FileName];
        foreach (var name in planted)
        {
            await File.WriteAllTextAsync(Path.Combine(_sandbox.LegacyStateDirectory, name), "{}");
        }

        await File.WriteAllTextAsync(Path.Combine(_sandbox.LegacyStateDirectory, "console.log"), "old console");

        await StatusHandler.RunAsync(_sandbox.Services(), null, json: false, CancellationToken.None);

        Assert.Equal("old console", await File.ReadAllTextAsync(Path.Combine(_sandbox.StateDirectory, "console.log")));
        Assert.All(planted, name => Assert.False(File.Exists(Path.Combine(_sandbox.StateDirectory, name)), name));
        Assert.False(Directory.Exists(_sandbox.LegacyStateDirectory));
    }

    [Fact]
    public async Task Links_planted_in_the_old_state_folder_are_not_followed_and_the_files_they_name_are_untouched()
    {
        await LegacyMachineAsync();
        foreach (var name in new[] { "console.log", "qemu.stopped", "known_hosts.tmp", "virtiofsd-0.log", "id_ed25519" })
        {
            File.CreateSymbolicLink(Path.Combine(_sandbox.LegacyStateDirectory, name), _canary);
        }

        await StatusHandler.RunAsync(_sandbox.Services(), null, json: false, CancellationToken.None);

        Assert.Equal("the user's file\n", await File.ReadAllTextAsync(_canary));
        foreach (var name in new[] { "console.log", "qemu.stopped", "known_hosts.tmp", "virtiofsd-0.log", "id_ed25519" })
        {
            Assert.False(File.Exists(Path.Combine(_sandbox.StateDirectory, name)), name + " was copied through its link");
            Assert.Contains(_sandbox.Progress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_old_state_folder_that_is_a_link_is_not_read()
    {
        var elsewhere = Path.Combine(_sandbox.Root, "elsewhere");
        await LegacyMachineAsync();
        Directory.Move(_sandbox.LegacyStateDirectory, elsewhere);
        Directory.CreateSymbolicLink(_sandbox.LegacyStateDirectory, elsewhere);
        var status = new StringWriter();

        await StatusHandler.RunAsync(_sandbox.Services(status), null, json: false, CancellationToken.None);

        Assert.Contains("not created", status.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(MachineRecordStore.PathIn(_sandbox.StateDirectory)));
        Assert.True(File.Exists(Path.Combine(elsewhere, "machine.json")));
    }

    public static TheoryData<string, string> ForgedRecords => new()
    {
        { "an id that climbs out", """{"id":"x/../other"}""" },
        { "a root of the host's", """{"rootPath":"/"}""" },
        { "an id map onto host root", """{"idMap":{"subordinateUidStart":0,"loginUid":0,"subordinateGidStart":0,"loginGid":0}}""" },
        { "an SSH host with a newline", """{"sshHost":"127.0.0.1\n  ProxyCommand touch /tmp/owned"}""" },
        { "provider data with a newline", """{"providerData":{"qmpSocket":"/run/x\n"}}""" },
    };

    [Theory]
    [MemberData(nameof(ForgedRecords))]
    public async Task A_forged_old_record_is_refused_and_moves_nothing(string what, string change)
    {
        _ = what;
        var record = await LegacyMachineAsync(forged: change);
        _sandbox.Provider.Running = true;

        var halt = await Assert.ThrowsAsync<DisklessException>(() => HaltHandler.RunAsync(_sandbox.Services(), null, force: false, CancellationToken.None));
        var destroy = await Assert.ThrowsAsync<DisklessException>(() =>
            DestroyHandler.RunAsync(_sandbox.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None));
        var status = new StringWriter();
        var statusExit = await StatusHandler.RunAsync(_sandbox.Services(status), null, json: false, CancellationToken.None);

        Assert.Equal(ExitCodes.WrongMachineState, halt.ExitCode);
        Assert.Equal(ExitCodes.WrongMachineState, destroy.ExitCode);
        Assert.Equal(0, statusExit);
        Assert.Contains("not created", status.ToString(), StringComparison.Ordinal);
        Assert.Empty(_sandbox.Provider.Calls);
        Assert.True(Directory.Exists(record.RootPath));
        Assert.False(File.Exists(MachineRecordStore.PathIn(_sandbox.StateDirectory)));
    }

    [Fact]
    public async Task A_record_that_names_another_projects_machine_is_not_moved()
    {
        var other = new PipelineSandbox("other", _sandbox.Paths, _sandbox.Root);
        var theirs = await other.CreatedMachineAsync();
        await LegacyMachineAsync(forged: $$"""{"id":"{{theirs.Id}}","rootPath":"{{theirs.RootPath}}"}""");

        var error = await Assert.ThrowsAsync<DisklessException>(() => HaltHandler.RunAsync(_sandbox.Services(), null, force: true, CancellationToken.None));

        Assert.Contains("machine 'dev' of " + other.Project, error.Message, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Provider.Calls);
        Assert.True(Directory.Exists(theirs.RootPath));
    }

    [Fact]
    public async Task A_copy_of_an_earlier_versions_project_refuses_the_originals_machine_and_status_reports_it()
    {
        var original = new PipelineSandbox("original", _sandbox.Paths, _sandbox.Root);
        var record = await LegacyMachineAsync(original);
        CopyFolder(Path.Combine(original.Project, ".diskless"), Path.Combine(_sandbox.Project, ".diskless"));
        _sandbox.Provider.Running = true;

        var destroy = await Assert.ThrowsAsync<DisklessException>(() =>
            DestroyHandler.RunAsync(_sandbox.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None));
        var up = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(_sandbox.Services(), null, new UpOptions(), CancellationToken.None));
        var status = new StringWriter();
        await StatusHandler.RunAsync(_sandbox.Services(status), null, json: false, CancellationToken.None);

        foreach (var error in new[] { destroy, up })
        {
            Assert.Equal(ExitCodes.WrongMachineState, error.ExitCode);
            Assert.Contains("copied or moved from " + original.Project, error.Message, StringComparison.Ordinal);
            Assert.Contains("rm -r " + _sandbox.LegacyStateDirectory, error.Hint, StringComparison.Ordinal);
        }

        Assert.Contains("copied or moved from " + original.Project, status.ToString(), StringComparison.Ordinal);
        Assert.Empty(_sandbox.Provider.Calls);
        Assert.True(Directory.Exists(record.RootPath));
        Assert.True(File.Exists(Path.Combine(original.LegacyStateDirectory, "machine.json")));
    }

    [RequiresFact("ssh-keygen")]
    public async Task A_moved_project_is_told_of_its_machine_adopts_it_and_can_start_fresh_instead()
    {
        var old = new PipelineSandbox("old", _sandbox.Paths, _sandbox.Root);
        var record = await old.CreatedMachineAsync();
        Directory.Delete(old.Project, recursive: true);

        var up = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(_sandbox.Services(), null, new UpOptions(), CancellationToken.None));
        var status = new StringWriter();
        await StatusHandler.RunAsync(_sandbox.Services(status), null, json: false, CancellationToken.None);

        Assert.Contains("diskless adopt " + old.Project, up.Hint, StringComparison.Ordinal);
        Assert.Contains("diskless up --fresh", up.Hint, StringComparison.Ordinal);
        Assert.Contains("diskless adopt " + old.Project, status.ToString(), StringComparison.Ordinal);
        Assert.Empty(_sandbox.Distro.Calls);

        var adopted = await AdoptHandler.RunAsync(_sandbox.Services(), old.Project, null, CancellationToken.None);

        Assert.Equal(0, adopted);
        var mine = (await _sandbox.Services().LoadRecordAsync(_sandbox.Machine("dev"), CancellationToken.None))!;
        Assert.Equal(record.Id, mine.Id);
        Assert.Equal(_sandbox.StateDirectory, mine.StateDirectory);
        Assert.False(Directory.Exists(old.State.StateDirectory));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task Up_fresh_in_a_moved_project_makes_its_own_machine_and_leaves_the_old_one()
    {
        var old = new PipelineSandbox("old", _sandbox.Paths, _sandbox.Root);
        var record = await old.CreatedMachineAsync();
        Directory.Delete(old.Project, recursive: true);
        _sandbox.Provider.OnStart = _ => throw new StartReachedException();

        await Assert.ThrowsAsync<StartReachedException>(() => UpHandler.RunAsync(_sandbox.Services(), null, new UpOptions(Fresh: true), CancellationToken.None));

        Assert.Contains("build one", _sandbox.Distro.Calls);
        Assert.True(File.Exists(MachineRecordStore.PathIn(old.State.MachineStateDirectory("dev"))));
        Assert.True(Directory.Exists(record.RootPath));
    }

    [Fact]
    public async Task Nothing_is_written_into_the_project_by_status_or_a_lock()
    {
        await File.WriteAllTextAsync(Path.Combine(_sandbox.Project, "Disklessfile"), "name = \"dev\"\n");

        await StatusHandler.RunAsync(_sandbox.Services(), null, json: true, CancellationToken.None);
        await using (await _sandbox.Services().LockAsync(_sandbox.Machine("dev"), "test", CancellationToken.None))
        {
            Assert.True(Directory.Exists(_sandbox.StateDirectory));
        }

        Assert.Equal(["Disklessfile"], Directory.GetFileSystemEntries(_sandbox.Project).Select(Path.GetFileName).Where(n => n != Path.GetFileName(_sandbox.Paths.DataDirectory)));
    }

    [Fact]
    public void A_data_dir_inside_a_writable_synced_folder_is_refused_and_a_read_only_one_is_not()
    {
        var inside = new HostPaths(Path.Combine(_sandbox.Project, "data"));
        var writable = _sandbox.Machine("dev") with { SyncedFolders = [new SyncedFolder(_sandbox.Project, "/project", false, null, null, null)] };
        var readOnly = _sandbox.Machine("dev") with { SyncedFolders = [new SyncedFolder(_sandbox.Project, "/project", true, null, null, null)] };

        var error = Assert.Throws<DisklessException>(() => DataDirectoryReach.RequireOutOfReach(inside, writable));
        DataDirectoryReach.RequireOutOfReach(inside, readOnly);
        DataDirectoryReach.RequireOutOfReach(_sandbox.Paths, writable);

        Assert.Contains("inside the synced folder " + _sandbox.Project, error.Message, StringComparison.Ordinal);
        Assert.Contains("DISKLESS_HOME", error.Hint, StringComparison.Ordinal);
    }

    private sealed class StartReachedException : Exception;

    /// <summary>A created machine whose state an earlier version kept in the project; <paramref name="forged"/> overrides fields of its record.</summary>
    private async Task<MachineRecord> LegacyMachineAsync(PipelineSandbox? project = null, string? forged = null)
    {
        project ??= _sandbox;
        var record = await project.CreatedMachineAsync();
        Directory.CreateDirectory(project.LegacyStateDirectory);
        var legacy = record with
        {
            StateDirectory = project.LegacyStateDirectory,
            ConsoleLogPath = Path.Combine(project.LegacyStateDirectory, "console.log"),
        };
        var json = JsonSerializer.SerializeToNode(legacy, JsonState.Options)!.AsObject();
        if (forged is not null)
        {
            foreach (var (name, value) in JsonNodeObject(forged))
            {
                json[name] = value?.DeepClone();
            }
        }

        await File.WriteAllTextAsync(Path.Combine(project.LegacyStateDirectory, "machine.json"), json.ToJsonString(JsonState.Options));
        Directory.Delete(project.StateDirectory, recursive: true);
        return record;
    }

    private static System.Text.Json.Nodes.JsonObject JsonNodeObject(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
