using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>Waits for the guest's sshd (pinned host key) while watching the provider and the console for a failed boot.</summary>
internal sealed class WaitForSsh : IStep<UpContext>
{
    public string Name => "wait for SSH";

    public bool ShouldRun(UpContext context) => !context.AlreadyRunning;

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        var running = context.Running!;
        var keys = await context.KeysAsync(cancellationToken).ConfigureAwait(false);
        var target = keys.ToTarget(running.Ssh, context.Spec.Distro.User);

        // The provider's status names a failed boot from the console, in the words of this machine's distro.
        var handle = running.Handle with { Initramfs = context.Distro.DescribeInitramfs(context.Spec.Distro) };
        var elapsed = await SshReadiness.WaitAsync(
            target,
            context.Spec.BootTimeout,
            ct => BootFailedAsync(context, handle, ct),
            context.Host.Progress,
            cancellationToken,
            ct => LogTail.ReadAsync(running.Handle.ConsoleLogPath, 30, ct),
            context.Time).ConfigureAwait(false);
        context.SshReady = true;
        context.Record = context.Record with { SetupComplete = true, LastBootSeconds = Math.Round(elapsed.TotalSeconds, 1) };
        await context.SaveRecordAsync(cancellationToken).ConfigureAwait(false);
        context.Host.Progress.Info($"Machine '{context.Spec.Name}' is up: SSH answered {elapsed.TotalSeconds:F1} s after start ({running.Ssh.Host}:{running.Ssh.Port}).");
        await WarnOfDescriptorLimitsAsync(context, handle, cancellationToken).ConfigureAwait(false);
    }

    // Said once SSH answers, when the guest's own boot is done: a limit too low for big trees, or one nearly reached.
    private static async Task WarnOfDescriptorLimitsAsync(UpContext context, MachineHandle handle, CancellationToken cancellationToken)
    {
        var status = await context.Provider.StatusAsync(handle, context.Host, cancellationToken).ConfigureAwait(false);
        var holder = NofileHolder.Current();
        var uses = status.Descriptors ?? [];
        foreach (var use in uses)
        {
            context.Host.Progress.Verbose(DescriptorAdvice.Figure(use));
        }

        var near = uses.Select(use => DescriptorAdvice.NearLimit(use, holder)).OfType<string>().ToList();
        foreach (var warning in near.Count > 0 ? near : DescriptorAdvice.LowForBigTrees(uses, holder))
        {
            context.Host.Progress.Warn(warning);
        }
    }

    public Task RecoverAsync(UpContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<BootFailure?> BootFailedAsync(UpContext context, MachineHandle handle, CancellationToken cancellationToken)
    {
        var status = await context.Provider.StatusAsync(handle, context.Host, cancellationToken).ConfigureAwait(false);
        if (status.Failure is { } recognised)
        {
            return recognised;
        }

        return status.State is MachineState.Running
            ? null
            : new BootFailure(
                $"the virtual machine stopped while booting ({status.Detail ?? status.State.ToString()})",
                "read the console lines below; `diskless up --verbose` shows every command",
                await LogTail.ReadAsync(handle.ConsoleLogPath, 40, cancellationToken).ConfigureAwait(false));
    }
}
