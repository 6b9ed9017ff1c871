using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Plugins.QemuDirect;
using Diskless.Testing;

// Usage: Diskless.QemuNamespaceProbe WORK KERNEL INITRD RUNTIME [ROOT COMMANDLINE GO]
//   WORK holds root/ (an empty root) and project/ (a synced folder); the machine's state, runtime and holder folders
//   go below it. As whoever runs it: starts the machine in a fresh NamespaceHolder, drops the holder, then acts as a
//   later command without the namespace (status, QMP, halt, destroy). Prints one JSON object with what it saw.
//   RUNTIME, which it creates and removes, stands for the per-user runtime folder.
//   With ROOT (a configured tree in the user's range) it boots that with COMMANDLINE instead, prints a first JSON object
//   once QEMU runs ({"started":…,"sshPort":…}) and waits for the file GO before it goes on as the later command.
var work = Path.GetFullPath(args[0]);
var fullBoot = args.Length > 4;
var identity = HostIdentity.Current();
new UserNamespacePrerequisites(new HostIsolationProbe()).EnsureMet(identity);
var project = Path.Combine(work, "project");
var map = MachineIdMaps.ForHost(identity, project) ?? throw new InvalidOperationException("no subordinate ids");
var state = Path.Combine(work, "state");

// Like the per-user runtime folder in /tmp when there is no XDG_RUNTIME_DIR (/tmp/diskless-UID): the user's own, 0700,
// in a folder everyone may pass.
var runtimeBase = Directory.CreateDirectory(args[3], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
var plan = new BootPlan(
    MachineName: "probe",
    MachineId: Path.GetFileName(work),
    Artifacts: new BootArtifacts(args[1], args[2], fullBoot ? args[5] : "console=ttyS0 root=rootfs rootfstype=virtiofs rootdelay=1"),
    Cpus: fullBoot ? 2 : 1,
    MemoryMiB: fullBoot ? 1024 : 512,
    Provider: new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
    Shares:
    [
        new Share(Share.RootTag, fullBoot ? args[4] : Path.Combine(work, "root"), "/", ShareTransport.VirtioFs),
        new Share("sync0", project, "/project", ShareTransport.VirtioFs),
    ],
    Ports: [],
    SshHostPort: FreePort(),
    StateDirectory: state,
    RuntimeDirectory: Path.Combine(runtimeBase, "run"),
    ConsoleLogPath: Path.Combine(state, "console.log"));

var host = new RealHost(Path.Combine(work, "data"));
var processes = new ProcProcessTable();
var holder = await NamespaceHolder.StartAsync(map, identity, host.Commands, processes, Path.Combine(work, "holder"), CancellationToken.None);
MachineHandle handle;
try
{
    host.Namespace = holder;
    handle = (await new QemuDirectProvider().StartAsync(plan, host, CancellationToken.None)).Handle;
}
catch (CommandFailedException e)
{
    // The program's own words, for the test's output.
    Console.Error.WriteLine($"{e.Message}\n{e.Command}\n{string.Join('\n', e.OutputTail)}");
    throw;
}
finally
{
    await holder.DisposeAsync();
}

var data = HandleData.From(handle)!;
var qemu = ProcStatus.Read(data.QemuPid);
var helpers = data.VirtiofsdPids.Select(ProcStatus.Read).ToList();
if (fullBoot)
{
    Console.WriteLine(JsonSerializer.Serialize(new { started = true, sshPort = plan.SshHostPort }));
    while (!File.Exists(args[6]))
    {
        await Task.Delay(200);
    }
}
var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
while (!fullBoot && DateTime.UtcNow < deadline && !(File.Exists(plan.ConsoleLogPath) && File.ReadAllText(plan.ConsoleLogPath).Contains("Linux version", StringComparison.Ordinal)))
{
    await Task.Delay(100);
}

var later = new RealHost(Path.Combine(work, "data"));
var provider = new QemuDirectProvider();
var status = await provider.StatusAsync(handle, later, CancellationToken.None);
string qmpStatus;
await using (var qmp = await QmpClient.ConnectAsync(data.QmpSocket, CancellationToken.None))
{
    qmpStatus = (await qmp.ExecuteAsync("query-status", null, CancellationToken.None)).GetProperty("status").GetString()!;
}

await provider.StopAsync(handle, new StopOptions(Force: false, TimeSpan.FromSeconds(fullBoot ? 120 : 2)), later, CancellationToken.None);
var after = await provider.StatusAsync(handle, later, CancellationToken.None);
await provider.DestroyAsync(handle, later, CancellationToken.None);
var console = FileStatus.Read(plan.ConsoleLogPath);
var runtimeGone = !Directory.Exists(plan.RuntimeDirectory);
Directory.Delete(runtimeBase);
Console.WriteLine(JsonSerializer.Serialize(new
{
    guestRoot = map.SubordinateUidStart,
    qemuUid = qemu.Uid,
    qemuCapEff = qemu.CapEff,
    helperUids = helpers.Select(h => h.Uid).ToArray(),
    booted = File.ReadAllText(plan.ConsoleLogPath).Contains("Linux version", StringComparison.Ordinal),
    consoleOwner = console?.Uid,
    statusBefore = status.State.ToString(),
    qmpStatus,
    statusAfter = after.State.ToString(),
    leftOver = data.VirtiofsdPids.Append(data.QemuPid).Count(processes.IsAlive),
    runtimeGone,
    sudoUsed = later.RecordedProgress.Lines.Concat(host.RecordedProgress.Lines).Any(l => l.Contains("sudo", StringComparison.Ordinal)),
}));

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
