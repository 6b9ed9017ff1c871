using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>
/// <see cref="IRootFiles"/> for a root owned by a machine's subordinate ids, which the invoking user cannot touch
/// directly (and root sees as foreign). Everything happens in the machine's sandbox with the root as "/": a guest
/// link can never lead out of the root because there is nothing else in the mount namespace, not because paths are
/// checked. The tools are the root's own (sh, cp, mv, mkdir, chmod, chown, ln, rm, stat, head, od, readlink), which
/// after the first boot are the guest's: fine, they only ever run sandboxed. Owners are guest ids; the namespace's
/// <see cref="IdMap"/> turns them into host ids (guest 1000 becomes the host user).
/// </summary>
public sealed class NamespacedRootFiles : IRootFiles
{
    // The sandbox's /tmp is its own tmpfs: the bounded copy of a file being read goes there, never into the root.
    private const string ReadScript = """
        set -eu
        if [ ! -e "$1" ] || [ -d "$1" ]; then echo absent; exit 0; fi
        if [ ! -f "$1" ]; then echo "special $(stat -L -c %a "$1")"; exit 0; fi
        echo "file $(stat -L -c '%a %s' "$1")"
        head -c "$2" "$1" > /tmp/content
        od -An -v -tx1 /tmp/content
        """;

    // Names come back NUL-separated and hex-encoded: any byte a guest put in a name survives, whatever the locale.
    private const string ListScript = """
        set -eu
        if [ ! -d "$1" ]; then exit 0; fi
        cd "$1"
        for f in * .[!.]* ..?*; do
          if [ -L "$f" ] || [ -d "$f" ] || [ ! -e "$f" ]; then continue; fi
          printf '%s\000' "$f"
        done > /tmp/names
        od -An -v -tx1 /tmp/names
        """;

    private const string ExistsScript = """
        if [ -e "$1" ]; then echo yes; else echo no; fi
        """;

    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly IUserNamespace _namespace;
    private readonly ICommandRunner _runner;
    private readonly SandboxChroot _sandbox;
    private readonly string _stagingParent;

    /// <summary>
    /// Reads and edits <paramref name="rootDirectory"/> in the sandbox of <paramref name="userNamespace"/>. Edits' contents
    /// are staged in a private folder made under <paramref name="stagingParent"/> (default: the temp folder), whose
    /// ancestors guest root must be able to search: /tmp, or a folder of the invoking user.
    /// </summary>
    public NamespacedRootFiles(string rootDirectory, IUserNamespace userNamespace, ICommandRunner runner, string? stagingParent = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        ArgumentNullException.ThrowIfNull(userNamespace);
        ArgumentNullException.ThrowIfNull(runner);
        Path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(rootDirectory));
        _namespace = userNamespace;
        _runner = runner;
        _sandbox = new SandboxChroot(userNamespace, runner);
        _stagingParent = System.IO.Path.GetFullPath(stagingParent ?? System.IO.Path.GetTempPath());
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    /// <remarks>
    /// The type is checked before the file is opened, so a fifo or device node is never opened (it reads as empty, as
    /// <see cref="MachineRoot.ReadFileAsync(string, long, CancellationToken)"/> reads it); only a guest running at
    /// the same time could swap one in between, and then only this sandboxed read would wait (until cancelled).
    /// At most <paramref name="maxBytes"/> + 1 bytes are read whatever the file does meanwhile. The bytes come back
    /// hex-encoded and are decoded as File.ReadAllText does (UTF-8, a byte order mark honoured), so the text is exact
    /// whatever the host's locale, and a hostile file cannot put escape sequences on the terminal in --verbose.
    /// </remarks>
    public async Task<RootFile?> ReadAsync(string guestPath, long maxBytes, CancellationToken cancellationToken)
    {
        var path = RootEditScript.Normalize(guestPath);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var output = await RunScriptAsync(ReadScript, $"read {path}", [path, (Math.Min(maxBytes, long.MaxValue - 1) + 1).ToString(CultureInfo.InvariantCulture)], cancellationToken)
            .ConfigureAwait(false);
        var newline = output.IndexOf('\n', StringComparison.Ordinal);
        var header = (newline < 0 ? output : output[..newline]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (header)
        {
            case ["absent"]:
                return null;
            case ["special", var mode]:
                return new RootFile(guestPath, "", ParseMode(mode));
            case ["file", var mode, var size]:
                var bytes = Convert.FromHexString(string.Concat(output[(newline + 1)..].Where(char.IsAsciiHexDigit)));
                if (bytes.Length > maxBytes)
                {
                    var length = Math.Max(bytes.Length, long.Parse(size, NumberStyles.None, CultureInfo.InvariantCulture));
                    throw new DisklessException(
                        $"The machine's {guestPath} is {length} bytes, more than the {maxBytes} Diskless reads.",
                        "The guest's own files are damaged or hostile: fix the file from inside the guest, or `diskless destroy` the machine.");
                }

                return new RootFile(guestPath, Decode(bytes), ParseMode(mode));
            default:
                throw new DisklessException($"reading {guestPath} in the sandbox of {Path} gave an unexpected answer: '{Printable(output.Split('\n')[0])}'");
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListFilesAsync(string guestFolder, CancellationToken cancellationToken)
    {
        var path = RootEditScript.Normalize(guestFolder);
        var output = await RunScriptAsync(ListScript, $"list {path}", [path], cancellationToken).ConfigureAwait(false);
        var bytes = Convert.FromHexString(string.Concat(output.Where(char.IsAsciiHexDigit)));
        return Encoding.UTF8.GetString(bytes)
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string guestPath, CancellationToken cancellationToken)
    {
        var path = RootEditScript.Normalize(guestPath);
        var output = await RunScriptAsync(ExistsScript, $"look for {path}", [path], cancellationToken).ConfigureAwait(false);
        return output.Trim() switch
        {
            "yes" => true,
            "no" => false,
            var other => throw new DisklessException($"looking for {guestPath} in the sandbox of {Path} gave an unexpected answer: '{Printable(other)}'"),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// One sandbox run for all of <paramref name="edits"/>: their contents and the script (<see cref="RootEditScript"/>)
    /// are staged in a private host folder, bound read-only into the sandbox and removed afterwards.
    /// </remarks>
    public async Task ApplyAsync(IReadOnlyList<RootEdit> edits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edits);
        if (edits.Count == 0)
        {
            return;
        }

        // Built first: a path the script refuses (relative, "..", the root itself) fails before anything is staged.
        var script = RootEditScript.Build(edits);
        var staging = CreateStagingFolder();
        try
        {
            await StageAsync(staging, edits, script, cancellationToken).ConfigureAwait(false);
            var command = new CommandSpec("/bin/sh", RootEditScript.InputFolder + "/" + RootEditScript.ScriptName)
            {
                Description = $"apply {edits.Count} edit(s) to the machine root",
                SuccessExitCodes = Enumerable.Range(0, 256).ToList(),
            };
            var result = await _sandbox.RunAsync(Path, command, [new SandboxBind(staging, RootEditScript.InputFolder)], cancellationToken)
                .ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw Failure(edits, result);
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private async Task<string> RunScriptAsync(string script, string description, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var command = new CommandSpec("/bin/sh", ["-c", script, "sh", .. arguments]) { Description = $"{description} in the machine root" };
        var result = await _sandbox.RunAsync(Path, command, cancellationToken).ConfigureAwait(false);
        return result.StandardOutput;
    }

    private string CreateStagingFolder()
    {
        Directory.CreateDirectory(_stagingParent);
        var folder = System.IO.Path.Combine(_stagingParent, "diskless-edits-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        Directory.CreateDirectory(folder, PrivateFolder);

        // The umask may have narrowed it; it must not be wider than 0700 either.
        File.SetUnixFileMode(folder, PrivateFolder);
        return folder;
    }

    private async Task StageAsync(string staging, IReadOnlyList<RootEdit> edits, string script, CancellationToken cancellationToken)
    {
        for (var i = 0; i < edits.Count; i++)
        {
            var target = System.IO.Path.Combine(staging, RootEditScript.InputName(i));
            switch (edits[i])
            {
                case WriteFileEdit write:
                    await WriteAsync(target, new UTF8Encoding(false).GetBytes(write.Content), cancellationToken).ConfigureAwait(false);
                    break;
                case CopyFileEdit copy:
                    // Read here, as the invoking user, who can read it; guest root may not reach the host file at all.
                    await WriteAsync(target, await File.ReadAllBytesAsync(copy.HostSource, cancellationToken).ConfigureAwait(false), cancellationToken)
                        .ConfigureAwait(false);
                    break;
            }
        }

        await WriteAsync(System.IO.Path.Combine(staging, RootEditScript.ScriptName), Encoding.UTF8.GetBytes(script), cancellationToken).ConfigureAwait(false);
        if (Environment.IsPrivilegedProcess)
        {
            // Host root is not mapped in the namespace: to guest root its 0700 folder is "nobody's" and out of reach.
            // Given to guest root's host ids, the staged files are readable by nothing that cannot already write the
            // root itself. An ordinary user's own files need nothing: the user is guest 1000, and guest root may read them.
            var uid = _namespace.Map.ToHost(0) ?? throw new InvalidOperationException("the id map has no guest root");
            var gid = _namespace.Map.ToHostGid(0) ?? throw new InvalidOperationException("the id map has no guest root group");
            await _runner.RunAsync(
                new CommandSpec("chown", "-R", $"{uid.ToString(CultureInfo.InvariantCulture)}:{gid.ToString(CultureInfo.InvariantCulture)}", staging)
                {
                    Description = "give the staged edits to the machine's root",
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile };
        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        }
    }

    private DisklessException Failure(IReadOnlyList<RootEdit> edits, CommandResult result)
    {
        var error = Printable(result.StandardError.Trim());
        var started = result.StandardOutput.Split('\n')
            .Where(l => l.StartsWith(RootEditScript.EditMarker, StringComparison.Ordinal))
            .Select(l => int.TryParse(l[RootEditScript.EditMarker.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .LastOrDefault();
        if (started < 1 || started > edits.Count)
        {
            return new DisklessException($"the sandbox that edits the machine root {Path} failed before its first edit (exit code {result.ExitCode}): {error}");
        }

        var edit = edits[started - 1];
        return new DisklessException(
            $"could not apply edit {started} of {edits.Count} to the machine root {Path} ({edit.Describe()}): {error}",
            result.ExitCode == RootEditScript.RefusedLinkExitCode
                ? "Replace the link by a folder from inside the guest, or `diskless destroy` the machine."
                : null);
    }

    private static UnixFileMode ParseMode(string octal) =>
        (UnixFileMode)Convert.ToInt32(octal, 8) & PermissionBits;

    // As File.ReadAllText: UTF-8 unless a byte order mark says otherwise, the mark itself dropped.
    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    // What the guest wrote may reach the terminal in an error: no escape sequences.
    private static string Printable(string text) =>
        new(text.Select(c => char.IsControl(c) && c is not '\n' and not '\t' ? '?' : c).ToArray());
}
