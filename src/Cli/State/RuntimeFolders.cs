using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>
/// The short folders that hold machines' Unix sockets (QMP, virtiofsd) and the namespace holders' lifelines:
/// <c>$XDG_RUNTIME_DIR/diskless</c>, <c>/run/diskless</c> for root, else <c>/tmp/diskless-UID</c>, and one folder per
/// machine in it. Whoever controls such a folder controls the sockets: each one is made by Diskless and is accepted only
/// as a real folder (not a link), owned by the uid Diskless runs as, that nobody else may write in. Anything else is
/// refused, never used or repaired: in /tmp (world-writable, sticky) another user may have made it first.
/// </summary>
/// <param name="environment">Reads environment variables (XDG_RUNTIME_DIR).</param>
/// <param name="isRoot">Whether Diskless runs as root, whose base is /run/diskless.</param>
/// <param name="uid">The uid Diskless runs as: the owner every folder must have.</param>
/// <param name="temporaryFolder">Where the fallback goes: /tmp, or a stand-in for it in tests.</param>
public sealed class RuntimeFolders(Func<string, string?> environment, bool isRoot, long uid, string temporaryFolder = "/tmp")
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // Root's namespaced machines let guest root pass through to its own folder (search, never list or create).
    private const UnixFileMode Search = UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>The folders of the process that runs: its environment, whether it is root, its uid.</summary>
    public static RuntimeFolders ForThisProcess() =>
        new(Environment.GetEnvironmentVariable, Environment.IsPrivilegedProcess, HostIdentity.CurrentUid());

    /// <summary>Where the machines' socket folders go (a path only; <see cref="EnsureBase"/> makes it).</summary>
    public string Base
    {
        get
        {
            if (isRoot)
            {
                return "/run/diskless";
            }

            if (SessionFolder() is { } session)
            {
                return Path.Combine(session, "diskless");
            }

            // No session runtime folder (su -, cron, a container): a per-user folder in /tmp, still short.
            return Path.Combine(temporaryFolder, "diskless-" + uid.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The socket folder of a machine: <see cref="Base"/>/&lt;hash&gt;. Socket paths must stay under 108 bytes, and
    /// project paths are often deep, hence a short hash of the machine's id.
    /// </summary>
    public string MachineFolder(string machineId)
    {
        ArgumentException.ThrowIfNullOrEmpty(machineId);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(machineId)))[..10];
        return Path.Combine(Base, hash);
    }

    /// <summary>Makes (or checks) <see cref="Base"/>, after checking the session folder it lies in, and returns it.</summary>
    /// <exception cref="DisklessException">The session folder or the base is not the user's own and private.</exception>
    public string EnsureBase()
    {
        if (!isRoot && SessionFolder() is { } session)
        {
            CheckSessionFolder(session);
        }

        return EnsurePrivate(Base, uid);
    }

    /// <summary>Makes (or checks) the base and the machine's folder in it, and returns the machine's folder.</summary>
    /// <exception cref="DisklessException">One of them is not the user's own and private.</exception>
    public string EnsureMachineFolder(string machineId)
    {
        EnsureBase();
        return EnsurePrivate(MachineFolder(machineId), uid);
    }

    /// <summary>
    /// Makes <paramref name="folder"/> (mode 0700) unless it exists, then checks what is there without following a
    /// link: a folder owned by <paramref name="owner"/> that neither group nor others may write in. Other bits on a
    /// folder of one's own are taken away (nobody else could have put anything in it, only listed or passed it), except
    /// root's search bits, which root's namespaced machines add so guest root may pass to its own 0700 folder. Its parent may be writable by others
    /// only when sticky and root's or the owner's (/tmp), so nobody else can rename it away.
    /// </summary>
    /// <exception cref="DisklessException">It is a link or a file, someone else's, or others may write in it or in its parent.</exception>
    public static string EnsurePrivate(string folder, long owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Path.IsPathFullyQualified(folder))
        {
            throw new ArgumentException($"a runtime folder needs an absolute path, not '{folder}'", nameof(folder));
        }

        CheckParent(folder, owner);
        try
        {
            Directory.CreateDirectory(folder, Private);
        }
        catch (IOException)
        {
            // Something that is not a folder is in the way (a file, a dangling link): the check below says which.
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DisklessException(
                $"Cannot create the runtime folder {folder}: {e.Message}",
                "Check that its parent folder is yours, or point XDG_RUNTIME_DIR at your own runtime folder (usually /run/user/$(id -u)).",
                ExitCodes.Failure);
        }

        var status = FileStatus.Read(folder, followLinks: false);
        var refusal = status is null ? "it could not be created" : Refusal(status, owner);
        if (refusal is not null)
        {
            throw new DisklessException(
                $"The runtime folder {folder} is not safe to keep sockets in: {refusal}.",
                $"Remove it (rm -rf -- {ShellQuoting.Quote(folder)}) as its owner and run again; Diskless makes it itself. Or set XDG_RUNTIME_DIR to your own runtime folder.",
                ExitCodes.Failure);
        }

        // An ordinary user's namespaced machine keeps an open guest folder and QMP socket inside (MachineFiles): only
        // the 0700 folders around them keep other users out, so nothing but the owner may even pass.
        var current = status!.Mode;
        var wanted = Private | (owner == 0 ? current & Search : 0);
        if (current != wanted)
        {
            File.SetUnixFileMode(folder, wanted);
        }

        return folder;
    }

    // A folder others may write in lets them rename ours away and put theirs in its place, unless it is sticky and
    // theirs cannot be: /tmp. (Its owner is checked where it matters, for XDG_RUNTIME_DIR: see CheckSessionFolder.)
    private static void CheckParent(string folder, long owner)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder));
        if (parent is null || FileStatus.Read(parent) is not { } status || (status.Mode & OthersWrite) == 0)
        {
            return;
        }

        if ((status.Mode & UnixFileMode.StickyBit) == 0 || (status.Uid != 0 && status.Uid != owner))
        {
            throw new DisklessException(
                $"The runtime folder {folder} lies in {parent}, which others may write in (mode {Octal(status.Mode)}, owner uid {status.Uid}): they could swap it for their own.",
                "Set XDG_RUNTIME_DIR to your own runtime folder (usually /run/user/$(id -u)), or unset it.",
                ExitCodes.Failure);
        }
    }

    private string? SessionFolder() =>
        environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Path.IsPathFullyQualified(runtime) ? Path.TrimEndingDirectorySeparator(runtime) : null;

    // A session folder that is not the user's own, or that others may write in, would let them swap the base away.
    private void CheckSessionFolder(string session)
    {
        var status = FileStatus.Read(session, followLinks: false);
        if (status is null)
        {
            // None yet (a test, a bare container): made as any runtime folder is, the user's own and private.
            EnsurePrivate(session, uid);
            return;
        }

        if (Refusal(status, uid) is { } refusal)
        {
            throw new DisklessException(
                $"XDG_RUNTIME_DIR ({session}) is not a runtime folder of your own: {refusal}.",
                $"Set it to your own (usually /run/user/{uid.ToString(CultureInfo.InvariantCulture)}), or unset it to use /tmp/diskless-{uid.ToString(CultureInfo.InvariantCulture)}.",
                ExitCodes.Failure);
        }
    }

    // What makes a folder no runtime folder of ours: null when it is a real folder of ours that nobody else may write in.
    private static string? Refusal(FileStatus status, long owner) => status switch
    {
        { IsDirectory: false } => "it is a link or a file, not a folder",
        { Uid: var found } when found != owner => $"it belongs to uid {found}, not to uid {owner} that Diskless runs as",
        { Mode: var mode } when (mode & OthersWrite) != 0 => $"others may write in it (mode {Octal(mode)})",
        _ => null,
    };

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
