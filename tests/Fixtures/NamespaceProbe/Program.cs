using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.NamespaceProbe;
using Diskless.Testing;

// Usage: Diskless.NamespaceProbe WORK [--hold] STEP...
//   WORK     the project folder (its owner is guest 1000's host id when run as root); the holder's folder goes below it
//   --hold   after the steps, keep the holder and wait to be killed (a killed diskless)
//   STEP     enter=SHELL (host /bin/sh -c SHELL entered as guest root), sandbox=ROOT=SHELL (ROOT's /bin/sh in the sandbox),
//            clone=BASE=ROOT (RootCloner in the namespace), remove=FOLDER=UNDER (FolderRemover in the namespace),
//            cache=DATA or cache-fail=DATA (BaseCache builds TinyDistro's base in the data dir DATA, or fails doing so)
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
    if (parts[0] is "clone" or "remove" or "cache" or "cache-fail")
    {
        try
        {
            var done = parts[0] switch
            {
                "clone" => await RootCloner.CloneAsync(parts[1], parts[2], runner, new RecordingProgress(), holder, CancellationToken.None),
                "remove" => (await FolderRemover.RemoveAsync(parts[1], parts[2], runner, holder, CancellationToken.None)).Method.ToString(),
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

static void Print(object line)
{
    Console.WriteLine(JsonSerializer.Serialize(line));
    Console.Out.Flush();
}
