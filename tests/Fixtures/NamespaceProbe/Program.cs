using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.NamespaceProbe;
using Diskless.Plugins.Arch;
using Diskless.Testing;

// Usage: Diskless.NamespaceProbe WORK [--hold] STEP...
//   WORK     the project folder (its owner is guest 1000's host id when run as root); the holder's folder goes below it
//   --hold   after the steps, keep the holder and wait to be killed (a killed diskless)
//   STEP     enter=SHELL (host /bin/sh -c SHELL entered as guest root), sandbox=ROOT=SHELL (ROOT's /bin/sh in the sandbox),
//            clone=BASE=ROOT (RootCloner in the namespace), remove=FOLDER=UNDER (FolderRemover in the namespace),
//            arch=DATA=MIRROR (BaseCache builds an Arch base with pacstrap -N from MIRROR, a local repository "core"
//            whose packages are unsigned, in the data dir DATA),
//            cache=DATA or cache-fail=DATA (BaseCache builds TinyDistro's base in the data dir DATA, or fails doing so),
//            snapshot=ROOT=NAME (MachineSnapshots saves snapshot NAME of the machine root ROOT in the namespace), or
//            files=ROOT=OP=ARG: NamespacedRootFiles on ROOT, OP one of apply (ARG: RootEditJson, base64), read (ARG: MAX:PATH),
//            list (ARG: PATH), exists (ARG: PATH); stdout is the answer as JSON, a DisklessException is exit 1 with its message
// Prints one JSON object per line: {"probe":…,"pid":…,"fingerprint":…}, then {"step":…,"exit":…,"stdout":…,"stderr":…} per step.
var work = Path.GetFullPath(args[0]);
var hold = args.Contains("--hold");
var steps = args.Skip(1).Where(a => a != "--hold").ToList();
var identity = HostIdentity.Current();
new UserNamespacePrerequisites(new HostIsolationProbe()).EnsureMet(identity);
var map = MachineIdMaps.ForHost(identity, work) ?? throw new InvalidOperationException("no subordinate ids");
var runner = new CliWrapCommandRunner(new RecordingProgress());
var processes = new ProcProcessTable();
await using var holder = await NamespaceHolder.StartAsync(map, identity, runner, processes, Path.Combine(work, "run"), CancellationToken.None);
Print(new { probe = Environment.ProcessId, pid = holder.Pid, fingerprint = map.Fingerprint, uidMap = map.UidMapText });
for (var i = 0; i < steps.Count; i++)
{
    var parts = steps[i].Split('=', 3);
    if (parts[0] == "files")
    {
        var (exit, answer, error) = await RootFilesAsync(new NamespacedRootFiles(parts[1], holder, runner), parts[2]);
        Print(new { step = i, exit, stdout = answer, stderr = error });
        continue;
    }

    if (parts[0] is "clone" or "remove" or "cache" or "cache-fail" or "arch" or "snapshot")
    {
        try
        {
            var done = parts[0] switch
            {
                "clone" => await RootCloner.CloneAsync(parts[1], parts[2], runner, new RecordingProgress(), holder, CancellationToken.None),
                "remove" => (await FolderRemover.RemoveAsync(parts[1], parts[2], runner, holder, CancellationToken.None)).Method.ToString(),
                "arch" => await new BaseCache(NamespaceTestBase.Host(runner, holder, new RecordingProgress(), parts[1]))
                    .EnsureAsync(new ArchDistro(), new ArchDistro().DescribeBase(LocalArchSpec(parts[2])), CancellationToken.None),
                "snapshot" => await new MachineSnapshots(
                    new MachineRecord { Id = "m", Name = "m", Provider = "qemu", Distro = "debian", CreatedAt = DateTimeOffset.UnixEpoch, RootPath = parts[1], StateDirectory = work, RuntimeDirectory = work, ConsoleLogPath = work },
                    NamespaceTestBase.Host(runner, holder, new RecordingProgress(), work)).SaveAsync(parts[2], CancellationToken.None),
                _ => await new BaseCache(NamespaceTestBase.Host(runner, holder, new RecordingProgress(), parts[1]))
                    .EnsureAsync(new TinyDistro(fail: parts[0] == "cache-fail"), new TinyDistro(false).DescribeBase(DebianTestBase.DefaultSpec), CancellationToken.None),
            };
            Print(new { step = i, exit = 0, stdout = done, stderr = "" });
        }
        catch (DisklessException e)
        {
            Print(new { step = i, exit = 1, stdout = "", stderr = e.Message + (e is CommandFailedException f ? "\n" + string.Join("\n", f.OutputTail) : "") });
        }

        continue;
    }

    var command = parts[0] switch
    {
        "enter" => holder.Enter(new CommandSpec("/bin/sh", "-c", steps[i][(parts[0].Length + 1)..]) { SuccessExitCodes = Enumerable.Range(0, 256).ToList() }),
        "sandbox" => holder.Enter(SandboxCommand.Build(parts[1], new CommandSpec("/bin/sh", "-c", parts[2]) { SuccessExitCodes = Enumerable.Range(0, 256).ToList() })),
        _ => throw new ArgumentException("unknown step " + steps[i]),
    };
    var result = await runner.RunAsync(command, CancellationToken.None);
    Print(new { step = i, exit = result.ExitCode, stdout = result.StandardOutput, stderr = result.StandardError });
}

if (hold)
{
    Print(new { holding = true });
    await Task.Delay(Timeout.Infinite);
}

static async Task<(int Exit, string Answer, string Error)> RootFilesAsync(NamespacedRootFiles files, string request)
{
    var (operation, argument) = (request[..request.IndexOf('=', StringComparison.Ordinal)], request[(request.IndexOf('=', StringComparison.Ordinal) + 1)..]);
    try
    {
        object? answer = operation switch
        {
            "apply" => await ApplyAsync(files, RootEditJson.Deserialize(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(argument)))),
            "read" => await files.ReadAsync(argument[(argument.IndexOf(':', StringComparison.Ordinal) + 1)..], long.Parse(argument[..argument.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None) is { } file
                ? new { content = file.Content, mode = (int)file.Mode }
                : null,
            "list" => await files.ListFilesAsync(argument, CancellationToken.None),
            "exists" => await files.ExistsAsync(argument, CancellationToken.None),
            _ => throw new ArgumentException("unknown files operation " + operation),
        };
        return (0, JsonSerializer.Serialize(answer), "");
    }
    catch (DisklessException e)
    {
        return (1, "", e.Message + (e.Hint is null ? "" : "\n" + e.Hint));
    }
}

static async Task<bool> ApplyAsync(NamespacedRootFiles files, IReadOnlyList<RootEdit> edits)
{
    await files.ApplyAsync(edits, CancellationToken.None);
    return true;
}

static DistroSpec LocalArchSpec(string mirror)
{
    var at = new SourceLocation("Disklessfile", 1, 1);
    var settings = new Dictionary<string, SpecValue>
    {
        ["check_signatures"] = new(false, at),
        ["repositories"] = new(new List<object> { "core" }, at),
    };
    return new DistroSpec("arch", null, mirror, [], "diskless", "C.UTF-8", "Etc/UTC", settings, at);
}

static void Print(object line)
{
    Console.WriteLine(JsonSerializer.Serialize(line));
    Console.Out.Flush();
}
