using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>What Diskless remembers about one machine between commands: <c>.diskless/machines/&lt;name&gt;/machine.json</c>.</summary>
public sealed record MachineRecord
{
    /// <summary>Random and unique (12 hex digits); names the root folder and the runtime folder.</summary>
    public required string Id { get; init; }

    /// <summary>The machine's name from the Disklessfile.</summary>
    public required string Name { get; init; }

    /// <summary>The provider plugin that runs it ("qemu", "libvirt").</summary>
    public required string Provider { get; init; }

    /// <summary>The distro plugin that built it ("debian", "arch").</summary>
    public required string Distro { get; init; }

    /// <summary>When the machine was first created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// True once the first <c>up</c> got the machine running; until then a failed <c>up</c> removes it again, after
    /// that it is left for inspection.
    /// </summary>
    public bool SetupComplete { get; init; }

    /// <summary>
    /// True from just before the machine's first start: from then on its root may hold anything the guest wrote,
    /// and no program from it runs on the host again (configuring writes files only).
    /// </summary>
    public bool Booted { get; init; }

    /// <summary>
    /// Whether the guest may have run: <see cref="Booted"/>, or for a record written before that flag existed, a
    /// completed setup or a recorded boot.
    /// </summary>
    [JsonIgnore]
    public bool GuestHasRun => Booted || SetupComplete || LastBootSeconds is not null;

    /// <summary>
    /// How the machine's ids map to host ids: its root and base belong to this map's subordinate range and every
    /// program that acts on them runs in a user namespace with it. Null for a host-owned root (a provider without
    /// user namespaces, or a machine made before Diskless had them), which only root can build and change.
    /// </summary>
    public IdMap? IdMap { get; init; }

    /// <summary>The cache key of the base root filesystem it was cloned from.</summary>
    public string? BaseKey { get; init; }

    /// <summary>
    /// How the root was made from the base ("btrfs snapshot", "reflink copy" or "copy", see <see cref="RootCloner"/>);
    /// null for a machine made before diskless recorded it.
    /// </summary>
    public string? CloneMethod { get; init; }

    /// <summary>The machine's root filesystem folder, in the data dir.</summary>
    public required string RootPath { get; init; }

    /// <summary>How the root folder reaches the guest, chosen at creation (or changed by reload).</summary>
    public ShareTransport RootTransport { get; init; }

    /// <summary>
    /// How synced folders that name no transport reach the guest, the provider's default when configure wrote their
    /// mounts; null in records written before it was kept apart from the root's (then <see cref="RootTransport"/>).
    /// </summary>
    public ShareTransport? FolderTransport { get; init; }

    /// <summary>The transport of synced folders that name none.</summary>
    [JsonIgnore]
    public ShareTransport SyncedFolderTransport => FolderTransport ?? RootTransport;

    /// <summary>What to boot, as the distro plugin configured it; null until configured.</summary>
    public BootArtifacts? Artifacts { get; init; }

    /// <summary>Whether configure set the guest up to ask DHCP (the provider said so then); false: a fixed address, or unknown.</summary>
    public bool GuestAsksDhcp { get; init; }

    /// <summary>The port of the guest's SSH endpoint as its provider returned it; null before the first start.</summary>
    public int? SshPort { get; init; }

    /// <summary>The host of the guest's SSH endpoint as its provider returned it; null in records written before providers chose it (loopback).</summary>
    public string? SshHost { get; init; }

    /// <summary>Where the guest's sshd answers, as the provider said at the last start; null before the first start.</summary>
    [JsonIgnore]
    public SshEndpoint? Ssh => SshPort is { } port ? new SshEndpoint(SshHost ?? Loopback.Address, port) : null;

    /// <summary>The provider's own notes (<see cref="MachineHandle.Data"/>): pids, socket paths, domain name.</summary>
    public IReadOnlyDictionary<string, string> ProviderData { get; init; } = new Dictionary<string, string>();

    /// <summary>The machine's folder under the project's .diskless/.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The machine's socket folder.</summary>
    public required string RuntimeDirectory { get; init; }

    /// <summary>The serial console log.</summary>
    public required string ConsoleLogPath { get; init; }

    /// <summary>True once the provisioners ran successfully.</summary>
    public bool Provisioned { get; init; }

    /// <summary>A description of each provisioner that ran, in order.</summary>
    public IReadOnlyList<string> ProvisionedWith { get; init; } = [];

    /// <summary>How long the last boot took until SSH answered, in seconds.</summary>
    public double? LastBootSeconds { get; init; }

    /// <summary>A fresh random machine id: 12 lowercase hex digits.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>The handle a provider needs to find this machine again.</summary>
    public MachineHandle ToHandle() => new(Name, Id, StateDirectory, RuntimeDirectory, ConsoleLogPath, ProviderData) { IdMap = IdMap };
}
