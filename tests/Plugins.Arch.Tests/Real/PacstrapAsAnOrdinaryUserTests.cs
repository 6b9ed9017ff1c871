using System.Reflection;
using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.Arch.Tests.Real;

/// <summary>
/// The Arch base built by an ordinary user, as diskless builds it for one: tests/Fixtures/NamespaceProbe, run as the
/// test user through runuser, opens that user's machine namespace (its /etc/subuid range, through newuidmap) and runs
/// the base cache with the Arch plugin, so pacstrap -N runs as that user's guest root.
/// </summary>
[Collection(RealBuilds.Name)]
public sealed class PacstrapAsAnOrdinaryUserTests(LocalPacmanRepository repository, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new("diskless-arch-user-");

    private static string ProbeDll => typeof(PacstrapAsAnOrdinaryUserTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NamespaceProbe").Value
        ?? throw new InvalidOperationException("the test project does not record NamespaceProbe");

    public void Dispose() => _temp.Dispose();

    [RequiresFact("pacstrap", "pacman", "pacman-key", "makepkg", "repo-add", "gpgconf", "setpriv", "runuser", "newuidmap", Root = true, OtherUser = true)]
    public async Task An_ordinary_user_builds_the_base_with_pacstrap_N_and_every_file_belongs_to_its_range()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        File.SetUnixFileMode(_temp.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        var mirror = await repository.MirrorAsync();
        // The project folder (the holder's run folder goes below it) and the data dir are the test user's, as theirs would be.
        var work = _temp.Combine("work");
        var data = _temp.Combine("work", "data");
        Directory.CreateDirectory(data);
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        await runner.RunAsync(new CommandSpec("chown", "-R", $"{TestUser.Name}:", work), ct);

        var argv = TestUser.Run("dotnet", Path.GetFullPath(ProbeDll), work, $"arch={data}={mirror}");
        var result = await runner.RunAsync(new CommandSpec(argv[0], argv[1..]) { SuccessExitCodes = Enumerable.Range(0, 256).ToList() }, ct);
        output.WriteLine(result.StandardOutput + result.StandardError);
        Assert.True(result.ExitCode == 0, $"the probe failed ({result.ExitCode}): {result.StandardError}");
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var step = lines[^1];
        Assert.True(step.GetProperty("exit").GetInt32() == 0, step.GetProperty("stderr").GetString());
        var path = step.GetProperty("stdout").GetString()!;

        // Built into the user's cache, under the user's map; the tree is guest root's, the user's first subordinate id.
        var uid = TestUser.Uid()!.Value;
        var range = SubordinateIds.Read(SubordinateIds.UidFile, TestUser.Name, uid) ?? throw new InvalidOperationException("the test user has no subordinate ids");
        Assert.StartsWith(Path.Combine(data, "bases", "arch-"), path, StringComparison.Ordinal);
        Assert.EndsWith("-map" + lines[0].GetProperty("fingerprint").GetString(), path, StringComparison.Ordinal);
        Assert.Equal("kernel image\n", File.ReadAllText(Path.Combine(path, "boot/vmlinuz-linux")));
        Assert.Equal(range.Start, FileStatus.Read(Path.Combine(path, "etc/passwd"), followLinks: false)!.Uid);
        Assert.Equal(range.Start, FileStatus.Read(Path.Combine(path, "boot/vmlinuz-linux"), followLinks: false)!.Uid);
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(_temp.Path, StringComparison.Ordinal));
    }
}
