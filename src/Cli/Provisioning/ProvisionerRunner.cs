using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Provisioning;

/// <summary>
/// Runs a machine's provisioners over SSH in the order written, streaming their output. The first failure stops the
/// run; the machine is left running so the user can look, fix and run <c>diskless provision</c> again.
/// </summary>
public static class ProvisionerRunner
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PermissionBits = (UnixFileMode)0b111_111_111;

    // Enough to show why a provisioner failed without burying the message.
    private const int TailLines = 20;

    private static readonly Dictionary<string, string> NoEnvironment = [];

    /// <summary>
    /// Runs <paramref name="provisioners"/> through <paramref name="session"/>; output lines go to <paramref name="output"/>
    /// prefixed with the provisioner's number. Scripts and file sources must lie in <paramref name="confinedTo"/> (the
    /// project's real folder) when it is given (<see cref="ProvisioningSource"/>).
    /// </summary>
    public static async Task<ProvisionResult> RunAsync(
        ISshSession session,
        IReadOnlyList<Provisioner> provisioners,
        IProgressReporter progress,
        TextWriter output,
        CancellationToken cancellationToken,
        string? confinedTo = null)
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
                var exit = await RunOneAsync(session, provisioner, Print, confinedTo, cancellationToken).ConfigureAwait(false);
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

    private static Task<int> RunOneAsync(ISshSession session, Provisioner provisioner, Action<string> print, string? confinedTo, CancellationToken cancellationToken) =>
        provisioner switch
        {
            ShellProvisioner { Inline: { } inline } shell =>
                session.ExecAsync(RemoteShell.Bash(inline, shell.Environment, shell.Privileged, session.User, shell.Location), print, print, cancellationToken),
            ShellProvisioner { ScriptPath: { } script } shell => RunScriptAsync(session, shell, script, print, confinedTo, cancellationToken),
            FileProvisioner file => UploadFileAsync(session, file, print, confinedTo, cancellationToken),
            _ => throw new DisklessException($"{provisioner.Describe()}: this kind of provisioner is not supported", null, ExitCodes.InvalidConfiguration),
        };

    private static async Task<int> RunScriptAsync(ISshSession session, ShellProvisioner shell, string script, Action<string> print, string? confinedTo, CancellationToken cancellationToken)
    {
        RequireFile(script, shell);
        var staged = await GuestTemporaryFile.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        await UploadAsync(session, script, staged, PrivateFile, shell, confinedTo, cancellationToken).ConfigureAwait(false);
        return await session.ExecAsync(
            RemoteShell.Bash(RunPrivately(staged), shell.Environment, shell.Privileged, session.User, shell.Location), print, print, cancellationToken).ConfigureAwait(false);
    }

    // The script runs from a copy of its own, owned by the user it runs as (root, through sudo) and made by mktemp
    // again, 0700. Both copies go afterwards: /tmp outlives the run on a 9p or virtiofs root's host folder, and a
    // script may carry secrets. The status is the script's, or that of the step before it that failed.
    private static string RunPrivately(string staged)
    {
        var quoted = ShellQuoting.Quote(staged);
        return $"f=$(mktemp) && cat {quoted} > \"$f\" && rm -f {quoted} && chmod 700 \"$f\" && \"$f\"\nstatus=$?\nrm -f -- {quoted} \"$f\"\nexit $status";
    }

    private static async Task<int> UploadFileAsync(ISshSession session, FileProvisioner file, Action<string> print, string? confinedTo, CancellationToken cancellationToken)
    {
        RequireFile(file.Source, file);
        var mode = File.GetUnixFileMode(file.Source) & PermissionBits;
        try
        {
            await UploadAsync(session, file.Source, file.Destination, mode, file, confinedTo, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException)
        {
            // The login user cannot write there (or the folder is missing): stage it privately and let root install it.
            print($"{e.Message}; installing it through a temporary file");
        }

        var staged = await GuestTemporaryFile.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        await UploadAsync(session, file.Source, staged, PrivateFile, file, confinedTo, cancellationToken).ConfigureAwait(false);
        var modeText = Convert.ToString((int)mode, 8).PadLeft(4, '0');
        var quoted = ShellQuoting.Quote(staged);
        var install = $"install -D -m {modeText} {quoted} {ShellQuoting.Quote(file.Destination)}\nstatus=$?\nrm -f -- {quoted}\nexit $status";
        return await session.ExecAsync(
            RemoteShell.Bash(install, NoEnvironment, privileged: true, session.User, file.Location), print, print, cancellationToken).ConfigureAwait(false);
    }

    private static async Task UploadAsync(
        ISshSession session, string source, string destination, UnixFileMode mode, Provisioner provisioner, string? confinedTo, CancellationToken cancellationToken)
    {
        var stream = ProvisioningSource.Open(source, confinedTo, provisioner);
        await using (stream.ConfigureAwait(false))
        {
            await session.UploadAsync(stream, destination, mode, cancellationToken).ConfigureAwait(false);
        }
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
