using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// The syscall numbers of one architecture that <see cref="SetuidFilter"/> inspects, each with the argument that holds
/// its mode or flags.
/// </summary>
/// <param name="AuditArch">The AUDIT_ARCH_ value the kernel reports for this ABI.</param>
/// <param name="HasX32">The arch also carries x32 syscalls (numbers with <see cref="SetuidFilter.X32SyscallBit"/>).</param>
/// <param name="Unreadable">Syscalls whose mode the filter cannot read: they get ENOSYS.</param>
/// <param name="ModeAt">chmod-, mkdir- and creat-like syscalls and the argument holding their mode.</param>
/// <param name="FlagsAt">open-like syscalls and the argument holding their flags (the mode follows it).</param>
/// <param name="NodeModeAt">mknod-like syscalls and the argument holding their mode and file type.</param>
public sealed record SeccompSyscalls(
    uint AuditArch,
    bool HasX32,
    IReadOnlyList<uint> Unreadable,
    IReadOnlyList<(uint Number, int Argument)> ModeAt,
    IReadOnlyList<(uint Number, int Argument)> FlagsAt,
    IReadOnlyList<(uint Number, int Argument)> NodeModeAt)
{
    /// <summary>x86-64 (AUDIT_ARCH_X86_64), from arch/x86/entry/syscalls/syscall_64.tbl.</summary>
    public static readonly SeccompSyscalls X86_64 = new(
        0xC000003E,
        HasX32: true,
        Unreadable: [437 /* openat2 */, 425 /* io_uring_setup */],
        ModeAt: [(90, 1) /* chmod */, (91, 1) /* fchmod */, (268, 2) /* fchmodat */, (452, 2) /* fchmodat2 */, (83, 1) /* mkdir */, (258, 2) /* mkdirat */, (85, 1) /* creat */],
        FlagsAt: [(2, 1) /* open */, (257, 2) /* openat */],
        NodeModeAt: [(133, 1) /* mknod */, (259, 2) /* mknodat */]);

    /// <summary>aarch64 (AUDIT_ARCH_AARCH64), from include/uapi/asm-generic/unistd.h: only the *at forms exist.</summary>
    public static readonly SeccompSyscalls Aarch64 = new(
        0xC00000B7,
        HasX32: false,
        Unreadable: [437 /* openat2 */, 425 /* io_uring_setup */],
        ModeAt: [(52, 1) /* fchmod */, (53, 2) /* fchmodat */, (452, 2) /* fchmodat2 */, (34, 2) /* mkdirat */],
        FlagsAt: [(56, 2) /* openat */],
        NodeModeAt: [(33, 2) /* mknodat */]);
}
