using System.Runtime.InteropServices;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// The seccomp filter a synced folder's file server runs under, so that nothing the guest does through it leaves a
/// setuid or setgid file, or a device node, on the host: it refuses (EPERM) every chmod whose mode has S_ISUID or
/// S_ISGID, every create (open/openat with O_CREAT or O_TMPFILE, creat, mkdir, mknod) whose mode has them, and every
/// mknod of a character or block device. openat2 and io_uring_setup, whose modes the filter cannot read (they sit
/// behind pointers), get ENOSYS, which makes callers fall back to openat. A syscall of another ABI (i386 on x86-64,
/// x32) cannot slip past: another arch kills the process, an x32 number gets EPERM. Pure.
/// <para>
/// The bits cannot come back another way: chown and writes clear them (the kernel's own rule), link and rename keep
/// the file's mode, and file capabilities are kept out by the file server's xattr map (<see cref="SetuidGuard"/>).
/// </para>
/// </summary>
public static class SetuidFilter
{
    /// <summary>SECCOMP_RET_ALLOW.</summary>
    public const uint Allow = 0x7fff0000;

    /// <summary>SECCOMP_RET_KILL_PROCESS.</summary>
    public const uint KillProcess = 0x80000000;

    /// <summary>SECCOMP_RET_ERRNO | EPERM.</summary>
    public const uint Eperm = 0x00050000 | 1;

    /// <summary>SECCOMP_RET_ERRNO | ENOSYS.</summary>
    public const uint Enosys = 0x00050000 | 38;

    /// <summary>S_ISUID | S_ISGID.</summary>
    public const uint SetIdBits = 0x800 | 0x400;

    /// <summary>O_CREAT | __O_TMPFILE (the same on x86-64 and aarch64): the flags with which open reads its mode.</summary>
    public const uint CreatingFlags = 0x40 | 0x400000;

    /// <summary>S_IFMT.</summary>
    public const uint FileTypeMask = 0xF000;

    /// <summary>S_IFCHR.</summary>
    public const uint CharacterDevice = 0x2000;

    /// <summary>S_IFBLK.</summary>
    public const uint BlockDevice = 0x6000;

    /// <summary>__X32_SYSCALL_BIT: x32 syscalls arrive with the x86-64 arch and this bit in their number.</summary>
    public const uint X32SyscallBit = 0x40000000;

    /// <summary>Offset of <c>nr</c> in <c>struct seccomp_data</c>.</summary>
    public const uint NumberOffset = 0;

    /// <summary>Offset of <c>arch</c> in <c>struct seccomp_data</c>.</summary>
    public const uint ArchOffset = 4;

    /// <summary>The low 32 bits of argument <paramref name="index"/> (little-endian) in <c>struct seccomp_data</c>.</summary>
    public static uint ArgumentOffset(int index) => 16 + (8 * (uint)index);

    /// <summary>The syscalls of <paramref name="architecture"/>; throws where the filter has none.</summary>
    /// <exception cref="PlatformNotSupportedException">No syscall table for <paramref name="architecture"/>.</exception>
    public static SeccompSyscalls SyscallsOf(Architecture architecture) => architecture switch
    {
        Architecture.X64 => SeccompSyscalls.X86_64,
        Architecture.Arm64 => SeccompSyscalls.Aarch64,
        _ => throw new PlatformNotSupportedException($"Diskless has no setuid filter for {architecture} hosts."),
    };

    /// <summary>The filter's instructions for <paramref name="syscalls"/>.</summary>
    public static IReadOnlyList<SeccompInstruction> Program(SeccompSyscalls syscalls)
    {
        ArgumentNullException.ThrowIfNull(syscalls);
        var asm = new SeccompAssembler()
            .Load(ArchOffset)
            .IfEqual(syscalls.AuditArch, null, "kill")
            .Load(NumberOffset);
        if (syscalls.HasX32)
        {
            asm.IfAtLeast(X32SyscallBit, "eperm");
        }

        foreach (var number in syscalls.Unreadable)
        {
            asm.IfEqual(number, "enosys");
        }

        // Each group of syscalls reads its mode (or flags) at one argument.
        foreach (var (number, argument) in syscalls.ModeAt)
        {
            asm.IfEqual(number, $"mode{argument}");
        }

        foreach (var (number, argument) in syscalls.FlagsAt)
        {
            asm.IfEqual(number, $"flags{argument}");
        }

        foreach (var (number, argument) in syscalls.NodeModeAt)
        {
            asm.IfEqual(number, $"node{argument}");
        }

        asm.Return(Allow);

        // open(path, flags, mode) and openat(dir, path, flags, mode): the mode is read only when the flags create.
        foreach (var argument in syscalls.FlagsAt.Select(f => f.Argument).Distinct())
        {
            asm.Label($"flags{argument}").Load(ArgumentOffset(argument)).IfAnySet(CreatingFlags, $"mode{argument + 1}", "allow");
        }

        foreach (var argument in syscalls.ModeAt.Select(m => m.Argument).Concat(syscalls.FlagsAt.Select(f => f.Argument + 1)).Distinct().Order())
        {
            asm.Label($"mode{argument}").Load(ArgumentOffset(argument)).IfAnySet(SetIdBits, "eperm", "allow");
        }

        var nodeArguments = syscalls.NodeModeAt.Select(n => n.Argument).Distinct().Order().ToList();
        foreach (var argument in nodeArguments)
        {
            asm.Label($"node{argument}").Load(ArgumentOffset(argument));
            if (argument != nodeArguments[^1])
            {
                asm.Jump("node");
            }
        }

        if (nodeArguments.Count > 0)
        {
            asm.Label("node")
                .IfAnySet(SetIdBits, "eperm")
                .And(FileTypeMask)
                .IfEqual(CharacterDevice, "eperm")
                .IfEqual(BlockDevice, "eperm");
        }

        return asm
            .Label("allow").Return(Allow)
            .Label("eperm").Return(Eperm)
            .Label("enosys").Return(Enosys)
            .Label("kill").Return(KillProcess)
            .Assemble();
    }

    /// <summary>The filter as bwrap's <c>--seccomp</c> reads it, for the host this runs on.</summary>
    public static byte[] ForThisHost() => SeccompAssembler.Encode(Program(SyscallsOf(RuntimeInformation.OSArchitecture)));
}
