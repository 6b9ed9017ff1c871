using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary><c>diskless status</c>: each machine's state, SSH endpoint and forwarded ports; <c>--json</c> for scripts.</summary>
internal static class StatusHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, bool json, CancellationToken cancellationToken)
    {
        var reports = new List<MachineReport>();
        foreach (var machine in services.Select(machineName))
        {
            reports.Add(await ReportAsync(services, machine, cancellationToken).ConfigureAwait(false));
        }

        if (json)
        {
            CliJson.Write(services.Out, new StatusReport(reports));
            return 0;
        }

        foreach (var report in reports)
        {
            await services.Out.WriteLineAsync(Describe(report)).ConfigureAwait(false);
            foreach (var line in report.ConsoleTail ?? [])
            {
                await services.Out.WriteLineAsync("    | " + line).ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static async Task<MachineReport> ReportAsync(LifecycleServices services, MachineSpec machine, CancellationToken cancellationToken)
    {
        var ports = MachineForwards.Listed(machine.Ports);
        MachineRecord? record;
        try
        {
            record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        }
        catch (DisklessException refused) when (refused.ExitCode == ExitCodes.WrongMachineState)
        {
            // A copied project's old state, a record that fails its checks: status says so, it does not fail.
            return NotCreated(machine, ports, refused.Message + (refused.Hint is { } hint ? " (" + hint + ")" : ""));
        }

        if (record is not { SetupComplete: true })
        {
            return NotCreated(machine, ports, services.State.MovedFrom(machine.Name) is [var origin, ..] ? MovedProject.Note(origin) : null);
        }

        var provider = services.Plugins.GetProvider(record.Provider);
        var status = await provider.StatusAsync(record.ToHandle(), services.Host, cancellationToken).ConfigureAwait(false);
        var running = status.State == MachineState.Running;
        var agent = running ? await Agent.MachineAgents.PidAsync(services.Host, record, cancellationToken).ConfigureAwait(false) : null;
        if (running)
        {
            ports = await MachineForwards.ActiveAsync(record, machine.Ports, cancellationToken).ConfigureAwait(false);
        }

        return new MachineReport(
            machine.Name,
            MachineStateNames.Of(status.State),
            record.Id,
            record.Provider,
            record.Distro,
            record.RootTransport == ShareTransport.VirtioFs ? "virtiofs" : "9p",
            record.RootPath,
            record.CloneMethod,
            running && record.Ssh is { } ssh ? new SshReport(ssh.Host, ssh.Port, machine.Distro.User) : null,
            ports,
            record.LastBootSeconds,
            status.Detail,
            status.State == MachineState.Crashed ? status.ConsoleTail : null,
            Base(services, record.BaseKey),
            status.VmName,
            running ? Descriptors(status.Descriptors) : null)
        {
            Agent = agent is { } pid ? new AgentReport(pid) : null,
        };
    }

    private static MachineReport NotCreated(MachineSpec machine, IReadOnlyList<PortReport> ports, string? detail) =>
        new(machine.Name, "not created", null, machine.Provider.Name, machine.Distro.Name, null, null, null, null, ports, null, detail, null, null, null, null);

    private static List<DescriptorReport>? Descriptors(IReadOnlyList<DescriptorUse>? uses)
    {
        if (uses is null)
        {
            return null;
        }

        var holder = NofileHolder.Current();
        return uses.Select(u => new DescriptorReport(u.Process, u.Pid, u.Open, u.Limit, u.HardLimit, DescriptorAdvice.Figure(u), DescriptorAdvice.NearLimit(u, holder))).ToList();
    }

    /// <summary>
    /// The base the machine was cloned from and when it was built (the folder's birth in the cache): a rolling release's
    /// base ages, and its age says when a `destroy` and `up` would bring newer packages. Null when unknown or gone.
    /// </summary>
    private static BaseReport? Base(LifecycleServices services, string? baseKey)
    {
        var folder = baseKey is null ? null : Path.Combine(services.Host.Paths.BasesDirectory, baseKey);
        if (folder is null || !Directory.Exists(folder))
        {
            return null;
        }

        var built = new DateTimeOffset(Directory.GetCreationTimeUtc(folder), TimeSpan.Zero);
        return new BaseReport(baseKey!, built, Math.Max(0, (int)(services.Time.GetUtcNow() - built).TotalDays));
    }

    private static string Describe(MachineReport r)
    {
        var line = $"{r.Name,-16} {r.State,-12} {r.Provider}/{r.Distro}";
        if (r.VmName is not null)
        {
            line += $" ({r.Provider} name {r.VmName})";
        }

        if (r.Transport is not null)
        {
            line += $", {r.Transport} root {r.RootPath}" + (r.Storage is null ? "" : $" ({r.Storage} of its base)");
        }

        if (r.Base is not null)
        {
            line += $"\n{"",-16} base {r.Base.Key}, built {(r.Base.AgeDays == 0 ? "today" : r.Base.AgeDays == 1 ? "1 day ago" : $"{r.Base.AgeDays} days ago")}";
        }

        if (r.Ssh is not null)
        {
            line += $"\n{"",-16} ssh {r.Ssh.User}@{r.Ssh.Host}:{r.Ssh.Port}";
        }

        if (r.State == "running" && r.Ports.Count > 0)
        {
            line += $"\n{"",-16} ports " + string.Join(", ", r.Ports.Select(p =>
                $"{p.HostAddress}:{p.Host} -> {p.Guest}/{p.Protocol}" + (p.Origin == "disklessfile" ? "" : $" ({p.Origin}{(p.Note is null ? "" : "; " + p.Note)})")));
        }

        if (r.Agent is not null)
        {
            line += $"\n{"",-16} agent running (pid {r.Agent.Pid})";
        }

        foreach (var use in r.Descriptors ?? [])
        {
            line += $"\n{"",-16} {use.Figure}";
            if (use.Warning is not null)
            {
                line += $"\n{"",-16} warning: {use.Warning}";
            }
        }

        if (r.Detail is not null && r.State != "running")
        {
            line += $"\n{"",-16} {r.Detail}";
        }

        return line;
    }

    private sealed record StatusReport(IReadOnlyList<MachineReport> Machines);

    private sealed record MachineReport(
        string Name,
        string State,
        string? Id,
        string Provider,
        string Distro,
        string? Transport,
        string? RootPath,
        string? Storage,
        SshReport? Ssh,
        IReadOnlyList<PortReport> Ports,
        double? LastBootSeconds,
        string? Detail,
        IReadOnlyList<string>? ConsoleTail,
        BaseReport? Base,
        string? VmName,
        IReadOnlyList<DescriptorReport>? Descriptors)
    {
        /// <summary>The machine's host agent, when it runs.</summary>
        public AgentReport? Agent { get; init; }
    }

    private sealed record AgentReport(int Pid);

    /// <summary>One helper's descriptors, as the host read them from /proc; <see cref="Warning"/> past 80 % of the limit.</summary>
    private sealed record DescriptorReport(string Process, int Pid, int? Open, long Limit, long HardLimit, string Figure, string? Warning);

    private sealed record BaseReport(string Key, DateTimeOffset BuiltAt, int AgeDays);

    private sealed record SshReport(string Host, int Port, string User);
}
