using System.Diagnostics;
using System.Globalization;
using Diskless.Abstractions;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Provisioning;

/// <summary>
/// Runs a machine's provisioners over SSH in the order written, streaming their output. The first failure stops the
/// run; the machine is left running so the user can look, fix and run <c>diskless provision</c> again.
/// </summary>
public static class ProvisionerRunner
{
    private const UnixFileMode ScriptMode = (UnixFileMode)0b111_101_101;
    private const UnixFileMode PermissionBits = (UnixFileMode)0b111_111_111;

    // Enough to show why a provisioner failed without burying the message.
    private const int TailLines = 20;

    /// <summary>Runs <paramref name="provisioners"/> through <paramref name="session"/>; output lines go to <paramref name="output"/> prefixed with the provisioner's number.</summary>
    public static async Task<ProvisionResult> RunAsync(
        ISshSession session,
        IReadOnlyList<Provisioner> provisioners,
        IProgressReporter progress,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(provisioners);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        var ran = new List<Provisioner>();
        for (var i = 0; i < provisioners.Count; i++)
        {
            var number = i + 1;
            var provisioner = provisioners[i];
            using var stage = progress.BeginStage($"provision {number}/{provisioners.Count}: {provisioner.Describe()}");
            var tail = new OutputTail(TailLines);
            var gate = new Lock();
            void Print(string line)
            {
                tail.Add(line);
                lock (gate)
                {
                    output.WriteLine($"[{number}] {line}");
                }
            }

            try
            {
                var exit = await RunOneAsync(session, provisioner, number, Print, cancellationToken).ConfigureAwait(false);
                if (exit != 0)
                {
                    throw Failed(provisioner, number, $"failed with exit code {exit}", tail.Snapshot(), null);
                }
            }
            catch (DisklessException e) when (e.ExitCode != ExitCodes.ProvisionFailed && e.ExitCode != ExitCodes.InvalidConfiguration)
            {
                stage.Fail();
                throw Failed(provisioner, number, "failed: " + e.Message, tail.Snapshot(), e);
            }
            catch
            {
                stage.Fail();
                throw;
            }

            ran.Add(provisioner);
        }

        return new ProvisionResult(ran, clock.Elapsed);
    }

    private static Task<int> RunOneAsync(ISshSession session, Provisioner provisioner, int number, Action<string> print, CancellationToken cancellationToken) =>
        provisioner switch
        {
            ShellProvisioner { Inline: { } inline } shell =>
                session.ExecAsync(RemoteShell.Bash(inline, shell.Environment, shell.Privileged, session.User, shell.Location), print, print, cancellationToken),
            ShellProvisioner { ScriptPath: { } script } shell => RunScriptAsync(session, shell, script, number, print, cancellationToken),
            FileProvisioner file => UploadFileAsync(session, file, number, print, cancellationToken),
            _ => throw new DisklessException($"{provisioner.Describe()}: this kind of provisioner is not supported", null, ExitCodes.InvalidConfiguration),
        };

    private static async Task<int> RunScriptAsync(ISshSession session, ShellProvisioner shell, string script, int number, Action<string> print, CancellationToken cancellationToken)
    {
        RequireFile(script, shell);
        var remote = string.Create(CultureInfo.InvariantCulture, $"/tmp/diskless-provision-{number}.sh");
        await session.UploadAsync(script, remote, ScriptMode, cancellationToken).ConfigureAwait(false);
        return await session.ExecAsync(
            RemoteShell.Bash(RunThenRemove(remote), shell.Environment, shell.Privileged, session.User, shell.Location), print, print, cancellationToken).ConfigureAwait(false);
    }

    // The script may carry secrets and /tmp outlives the run on a 9p or virtiofs root's host folder: remove it, keep its status.
    private static string RunThenRemove(string remote) =>
        $"{remote}\nstatus=$?\nrm -f {remote}\nexit $status";

    private static async Task<int> UploadFileAsync(ISshSession session, FileProvisioner file, int number, Action<string> print, CancellationToken cancellationToken)
    {
        RequireFile(file.Source, file);
        var mode = File.GetUnixFileMode(file.Source) & PermissionBits;
        try
        {
            await session.UploadAsync(file.Source, file.Destination, mode, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException)
        {
            // The login user cannot write there (or the folder is missing): stage it in /tmp and let root install it.
            print($"{e.Message}; installing it through /tmp");
        }

        var staged = string.Create(CultureInfo.InvariantCulture, $"/tmp/diskless-upload-{number}");
        await session.UploadAsync(file.Source, staged, mode, cancellationToken).ConfigureAwait(false);
        var modeText = Convert.ToString((int)mode, 8).PadLeft(4, '0');
        var install = $"{RemoteShell.Elevate(privileged: true, session.User)}install -D -m {modeText} {ShellQuoting.Quote(staged)} {ShellQuoting.Quote(file.Destination)}"
            + $" && rm -f {ShellQuoting.Quote(staged)}";
        return await session.ExecAsync(install, print, print, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireFile(string path, Provisioner provisioner)
    {
        if (Directory.Exists(path))
        {
            throw new DisklessException(
                $"{Where(provisioner)}{provisioner.Describe()}: {path} is a folder; only files can be uploaded",
                "Use a [[synced_folders]] entry to share a folder with the guest.",
                ExitCodes.InvalidConfiguration);
        }

        if (!File.Exists(path))
        {
            throw new DisklessException(
                $"{Where(provisioner)}{provisioner.Describe()}: {path} does not exist",
                "Paths in a Disklessfile are relative to the folder that holds it.",
                ExitCodes.InvalidConfiguration);
        }
    }

    private static DisklessException Failed(Provisioner provisioner, int number, string what, IReadOnlyList<string> tail, Exception? inner)
    {
        var message = $"provisioner {number} ({provisioner.Describe()}){(provisioner.Location is null ? "" : " at " + provisioner.Location)} {what}";
        if (tail.Count > 0)
        {
            message += "\nlast output:\n" + string.Join('\n', tail.Select(l => "  " + l));
        }

        return new DisklessException(
            message,
            "The machine is still running: look with `diskless ssh`, fix the provisioner, then run `diskless provision`.",
            ExitCodes.ProvisionFailed,
            inner);
    }

    private static string Where(Provisioner provisioner) => provisioner.Location is null ? "" : provisioner.Location + ": ";
}
