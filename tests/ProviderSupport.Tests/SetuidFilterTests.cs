using Diskless.Abstractions;

namespace Diskless.ProviderSupport.Tests;

public sealed class SetuidFilterTests
{
    private const uint X86_64 = 0xC000003E;
    private const uint Aarch64 = 0xC00000B7;
    private const ulong OCreat = 0x40;
    private const ulong OTmpfile = 0x410000; // __O_TMPFILE | O_DIRECTORY, as glibc passes O_TMPFILE
    private static readonly IReadOnlyList<SeccompInstruction> X64Program = SetuidFilter.Program(SeccompSyscalls.X86_64);
    private static readonly IReadOnlyList<SeccompInstruction> ArmProgram = SetuidFilter.Program(SeccompSyscalls.Aarch64);

    private static uint X64(uint number, params ulong[] arguments) => ClassicBpf.Run(X64Program, X86_64, number, arguments);

    [Theory]
    [InlineData(90u, 1, "chmod")]
    [InlineData(91u, 1, "fchmod")]
    [InlineData(268u, 2, "fchmodat")]
    [InlineData(452u, 2, "fchmodat2")]
    [InlineData(83u, 1, "mkdir")]
    [InlineData(258u, 2, "mkdirat")]
    [InlineData(85u, 1, "creat")]
    public void A_mode_with_setuid_or_setgid_is_refused_and_any_other_mode_passes(uint number, int modeArgument, string name)
    {
        foreach (var mode in new ulong[] { 0x800 | 0x1ed /* 4755 */, 0x400 | 0x1ed /* 2755 */, 0xfff, 0x800 })
        {
            Assert.True(SetuidFilter.Eperm == X64(number, Arguments(modeArgument, mode)), $"{name} {Convert.ToString((long)mode, 8)}");
        }

        foreach (var mode in new ulong[] { 0x1ed /* 0755 */, 0x1a4 /* 0644 */, 0x3ff /* 1777: sticky is harmless */, 0 })
        {
            Assert.True(SetuidFilter.Allow == X64(number, Arguments(modeArgument, mode)), $"{name} {Convert.ToString((long)mode, 8)}");
        }
    }

    [Theory]
    [InlineData(2u, 1)]
    [InlineData(257u, 2)]
    public void Open_reads_the_mode_only_when_it_creates(uint number, int flagsArgument)
    {
        Assert.Equal(SetuidFilter.Eperm, X64(number, Arguments(flagsArgument, OCreat, 0xded)));
        Assert.Equal(SetuidFilter.Eperm, X64(number, Arguments(flagsArgument, OTmpfile, 0x5ed)));
        Assert.Equal(SetuidFilter.Allow, X64(number, Arguments(flagsArgument, OCreat | 2, 0x1a4)));
        // Without O_CREAT the mode argument is garbage the kernel ignores: no refusal on it.
        Assert.Equal(SetuidFilter.Allow, X64(number, Arguments(flagsArgument, 2, 0xfff)));
    }

    [Theory]
    [InlineData(133u, 1)]
    [InlineData(259u, 2)]
    public void Mknod_refuses_devices_and_setid_bits_but_makes_fifos_sockets_and_files(uint number, int modeArgument)
    {
        Assert.Equal(SetuidFilter.Eperm, X64(number, Arguments(modeArgument, 0x2000 | 0x1b6)));
        Assert.Equal(SetuidFilter.Eperm, X64(number, Arguments(modeArgument, 0x6000 | 0x1b6)));
        Assert.Equal(SetuidFilter.Eperm, X64(number, Arguments(modeArgument, 0x8000 | 0x9ed)));
        Assert.Equal(SetuidFilter.Allow, X64(number, Arguments(modeArgument, 0x1000 | 0x1a4)));
        Assert.Equal(SetuidFilter.Allow, X64(number, Arguments(modeArgument, 0xC000 | 0x1ed)));
        Assert.Equal(SetuidFilter.Allow, X64(number, Arguments(modeArgument, 0x8000 | 0x1a4)));
    }

    [Fact]
    public void Syscalls_whose_mode_sits_behind_a_pointer_get_enosys_so_callers_fall_back()
    {
        Assert.Equal(SetuidFilter.Enosys, X64(437));
        Assert.Equal(SetuidFilter.Enosys, X64(425));
    }

    [Fact]
    public void Another_abi_cannot_slip_past()
    {
        // i386's chmod is 15; x32's chmod is x86-64's with the x32 bit.
        Assert.Equal(SetuidFilter.KillProcess, ClassicBpf.Run(X64Program, 0x40000003, 15, 0, 0xded));
        Assert.Equal(SetuidFilter.Eperm, X64(0x40000000 | 90, 0, 0x1ed));
        Assert.Equal(SetuidFilter.KillProcess, ClassicBpf.Run(ArmProgram, X86_64, 53, 0, 0, 0x1ed));
    }

    [Fact]
    public void Everything_else_passes_untouched()
    {
        foreach (var number in new uint[] { 0, 1, 3, 59, 92 /* chown */, 188 /* setxattr */, 260 /* fchownat */, 82 /* rename */ })
        {
            Assert.Equal(SetuidFilter.Allow, X64(number, 0xfff, 0xfff, 0xfff, 0xfff));
        }
    }

    [Fact]
    public void The_aarch64_filter_guards_the_at_forms()
    {
        Assert.Equal(SetuidFilter.Eperm, ClassicBpf.Run(ArmProgram, Aarch64, 53, 0, 0, 0x9ed));
        Assert.Equal(SetuidFilter.Allow, ClassicBpf.Run(ArmProgram, Aarch64, 53, 0, 0, 0x1ed));
        Assert.Equal(SetuidFilter.Eperm, ClassicBpf.Run(ArmProgram, Aarch64, 52, 0, 0x5ed));
        Assert.Equal(SetuidFilter.Eperm, ClassicBpf.Run(ArmProgram, Aarch64, 56, 0, 0, OCreat, 0x9ed));
        Assert.Equal(SetuidFilter.Allow, ClassicBpf.Run(ArmProgram, Aarch64, 56, 0, 0, 0, 0x9ed));
        Assert.Equal(SetuidFilter.Eperm, ClassicBpf.Run(ArmProgram, Aarch64, 34, 0, 0, 0x5ed));
        Assert.Equal(SetuidFilter.Eperm, ClassicBpf.Run(ArmProgram, Aarch64, 33, 0, 0, 0x2000 | 0x1b6));
        Assert.Equal(SetuidFilter.Enosys, ClassicBpf.Run(ArmProgram, Aarch64, 437));
        Assert.Equal(SetuidFilter.Allow, ClassicBpf.Run(ArmProgram, Aarch64, 0x40000000 | 53, 0, 0, 0x9ed));
    }

    [Fact]
    public void Only_the_low_32_bits_of_a_mode_count_as_the_kernel_reads_them()
    {
        // Upper bits of a mode_t argument are ignored by the kernel; a filter reading them would be fooled the other way.
        Assert.Equal(SetuidFilter.Allow, X64(90, 0, 0xFFFFFFFF_00000000 | 0x1ed));
        Assert.Equal(SetuidFilter.Eperm, X64(90, 0, 0xFFFFFFFF_00000000 | 0x9ed));
    }

    private static ulong[] Arguments(int index, params ulong[] values)
    {
        var arguments = new ulong[6];
        for (var i = 0; i < values.Length; i++)
        {
            arguments[index + i] = values[i];
        }

        return arguments;
    }
}
