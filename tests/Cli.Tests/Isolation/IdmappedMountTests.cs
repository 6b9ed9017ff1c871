using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// The idmapped bind for real, as root: a root-owned folder (the quick start's checkout) made the guest user's in a
/// machine's mount namespace, and only there.
/// </summary>
public sealed class IdmappedMountTests
{
    private readonly CliWrapCommandRunner _runner = new(new RecordingProgress());
    private readonly ProcProcessTable _processes = new();

    [RequiresFact("unshare", "nsenter", "setpriv", Root = true, Timeout = 120_000)]
    public async Task A_root_owned_folder_is_the_guest_users_in_the_namespace_and_unchanged_on_the_host()
    {
        await using var project = await IsolationFolder.CreateAsync(0, 0);
        var identity = HostIdentity.Current();
        var map = MachineIdMaps.ForHost(identity, project.Path)!;
        var folder = Directory.CreateDirectory(project.Combine("src")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "host.txt"), "host\n");
        var planned = new OwnerMappedFolder(folder, 0, 0, OwnerIdMap.For(map, 0, 0)!);

        await using (var holder = await NamespaceHolder.StartAsync(map, identity, _runner, _processes, project.Combine("run"), CancellationToken.None))
        {
            using (var userNamespace = await NamespaceHolder.OpenMappedUserNamespaceAsync(
                planned.Map.UidMapText, planned.Map.GidMapText, map, _runner, _processes, project.Combine("run"), CancellationToken.None))
            {
                IdmappedMount.Mount(holder.Pid, planned, userNamespace);
            }

            Assert.Equal($"{IdMap.GuestLoginId}:{IdMap.GuestLoginId}", await OutputAsync(holder, new CommandSpec("stat", "-c", "%u:%g", folder)));
            await _runner.RunAsync(holder.Enter(AsGuestUser("sh", "-c", "echo user >> \"$1\"/host.txt && touch \"$1\"/user", "sh", folder)), CancellationToken.None);
            await _runner.RunAsync(holder.Enter(new CommandSpec("touch", Path.Combine(folder, "root"))), CancellationToken.None);

            // The host's own view is untouched: no mount there, and the files are the owner's and guest root's.
            Assert.DoesNotContain(folder, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        }

        Assert.Equal((0L, 0L), Owner(Path.Combine(folder, "user")));
        Assert.Equal((0L, 0L), Owner(Path.Combine(folder, "host.txt")));
        Assert.Equal("host\nuser\n", await File.ReadAllTextAsync(Path.Combine(folder, "host.txt")));
        Assert.Equal((map.SubordinateUidStart, map.SubordinateGidStart), Owner(Path.Combine(folder, "root")));
    }

    [RequiresFact("unshare", "nsenter", Root = true, Timeout = 120_000)]
    public async Task A_folder_whose_owner_changed_since_the_plan_is_not_mapped()
    {
        await using var project = await IsolationFolder.CreateAsync(0, 0);
        var identity = HostIdentity.Current();
        var map = MachineIdMaps.ForHost(identity, project.Path)!;
        var folder = Directory.CreateDirectory(project.Combine("src")).FullName;
        await IsolationFolder.ChownAsync(folder, 4321, 4321, recursive: false);
        var planned = new OwnerMappedFolder(folder, 0, 0, OwnerIdMap.For(map, 0, 0)!);

        await using var holder = await NamespaceHolder.StartAsync(map, identity, _runner, _processes, project.Combine("run"), CancellationToken.None);
        using var userNamespace = await NamespaceHolder.OpenMappedUserNamespaceAsync(
            planned.Map.UidMapText, planned.Map.GidMapText, map, _runner, _processes, project.Combine("run"), CancellationToken.None);

        var error = Assert.Throws<IOException>(() => IdmappedMount.Mount(holder.Pid, planned, userNamespace));

        Assert.Contains("is no longer a folder of 0:0 (now 4321:4321)", error.Message, StringComparison.Ordinal);
        Assert.Equal("65534:65534", await OutputAsync(holder, new CommandSpec("stat", "-c", "%u:%g", folder)));
    }

    private static CommandSpec AsGuestUser(string program, params string[] arguments) =>
        new("setpriv", ["--reuid=1000", "--regid=1000", "--clear-groups", program, .. arguments]);

    private async Task<string> OutputAsync(NamespaceHolder holder, CommandSpec command) =>
        (await _runner.RunAsync(holder.Enter(command), CancellationToken.None)).StandardOutput.Trim();

    private static (long, long) Owner(string path) => FileStatus.Read(path, followLinks: false) is { } s ? (s.Uid, s.Gid) : throw new FileNotFoundException(path);
}
