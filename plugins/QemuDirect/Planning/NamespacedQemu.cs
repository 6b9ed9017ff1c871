using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Plans how QEMU starts in a machine's user namespace, as guest root (a subordinate id on the host), never host root.
/// Pure apart from asking <see cref="IUserNamespace.Enter"/> for the nsenter command.
/// </summary>
public static class NamespacedQemu
{
    /// <summary>The descriptor the console log is handed to QEMU on (<c>-add-fd</c>).</summary>
    public const int ConsoleFd = 3;

    /// <summary>The fd set the console descriptor joins; QEMU opens it as /dev/fdset/1.</summary>
    public const int ConsoleFdSet = 1;

    /// <summary>The descriptor QEMU reads the kernel from (<c>-kernel /proc/self/fd/4</c>).</summary>
    public const int KernelFd = 4;

    /// <summary>The descriptor QEMU reads the initramfs from (<c>-initrd /proc/self/fd/5</c>).</summary>
    public const int InitrdFd = 5;

    /// <summary>The name the outer wrapper shell runs under ($0).</summary>
    public const string OpenerName = "diskless-qemu-open";

    /// <summary>
    /// Runs as the invoking user, before nsenter: $1 is the console log, $2 the kernel, $3 the initramfs, the rest the
    /// entered command. The user opens (and truncates) the log, so it stays the user's file, and opens kernel and
    /// initramfs for reading; QEMU inherits the descriptors. Guest root, without capabilities, may pass neither the
    /// user's 0700 folders (home, state folder, data dir) nor root's; through /proc/self/fd it needs only read access
    /// to the files themselves.
    /// </summary>
    public const string OpenerScript = "exec 3>\"$1\" 4<\"$2\" 5<\"$3\" && shift 3 && exec \"$@\"";

    /// <summary>
    /// The command, entered as guest root, that lets the user connect to QEMU's QMP socket: QEMU creates it after
    /// -daemonize has set its umask to 027, so guest root's socket is not writable by the user until opened up. It lies
    /// in the user's 0700 runtime folder (root's: guest root's 0700 folder), out of other users' reach.
    /// </summary>
    public static CommandSpec OpenQmpSocket(MachineFiles files, IUserNamespace userNamespace) =>
        userNamespace.Enter(new CommandSpec("chmod", "0666", "--", files.QmpSocket) { Description = "let the user reach QEMU's control socket" });

    /// <summary>The path QEMU opens for descriptor <paramref name="fd"/>.</summary>
    public static string Inherited(int fd) => "/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether QEMU keeps guest root's capabilities: 9p passthrough creates files with the guest's owners and modes,
    /// which takes chown, fowner, mknod and more. With virtiofs only, virtiofsd does all of that and QEMU needs none
    /// (measured: lab §5), so it runs without any: with the user's uid mapped, a capability would give the
    /// guest-facing process the user's files.
    /// </summary>
    public static bool KeepsCapabilities(BootPlan plan) => plan.Shares.Any(s => s.Transport == ShareTransport.NineP);

    /// <summary>
    /// The whole command: [invoking user] sh opens the console log, kernel and initramfs → nsenter into <paramref name="userNamespace"/> →
    /// unshare + private /run (<see cref="PrivateRunDirectory"/>) → setpriv dropping every capability (unless
    /// <see cref="KeepsCapabilities"/>) → qemu-system with <paramref name="qemuArguments"/>.
    /// </summary>
    /// <exception cref="DisklessException">The host lacks unshare and mount, or setpriv where it is needed.</exception>
    public static CommandSpec Build(BootPlan plan, QemuHostFeatures features, IReadOnlyList<string> qemuArguments, IUserNamespace userNamespace)
    {
        var (tools, setpriv) = RequirePrograms(plan, features);
        var qemu = new CommandSpec(features.QemuBinary, qemuArguments);
        if (setpriv is not null)
        {
            qemu = new CommandSpec(setpriv, ["--bounding-set=-all", "--inh-caps=-all", "--no-new-privs", "--", qemu.FileName, .. qemu.Arguments]);
        }

        var files = MachineFiles.For(plan, inNamespace: true);
        var entered = userNamespace.Enter(PrivateRunDirectory.Wrap(files, qemu, tools) with { Description = "qemu" });
        return entered with
        {
            FileName = ReadOnlyBind.Shell,
            Arguments =
            [
                "-c", OpenerScript, OpenerName, plan.ConsoleLogPath, plan.Artifacts.KernelPath, plan.Artifacts.InitrdPath,
                entered.FileName, .. entered.Arguments,
            ],
        };
    }

    /// <summary>
    /// The host programs QEMU's start needs: unshare and mount for its private /run, and setpriv unless it keeps its
    /// capabilities (then null). Checked before anything starts.
    /// </summary>
    /// <exception cref="DisklessException">One of them is missing.</exception>
    public static (MountNamespaceTools Tools, string? Setpriv) RequirePrograms(BootPlan plan, QemuHostFeatures features)
    {
        var tools = features.MountNamespace
            ?? throw MountNamespaceTools.Missing("QEMU and virtiofsd run in the machine's user namespace with a private /run");
        if (KeepsCapabilities(plan))
        {
            return (tools, null);
        }

        return (tools, features.Setpriv ?? throw new DisklessException(
            "QEMU is to run without capabilities in the machine's user namespace, and setpriv was not found.",
            "Install it: apt-get install -y util-linux",
            ExitCodes.NotAvailable));
    }
}
