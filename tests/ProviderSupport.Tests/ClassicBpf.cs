using Diskless.Abstractions;

namespace Diskless.ProviderSupport.Tests;

/// <summary>
/// Runs a seccomp program on one syscall, as the kernel would, for the opcodes <see cref="SeccompAssembler"/> emits:
/// lets tests ask the filter what it decides instead of reading its instructions.
/// </summary>
internal static class ClassicBpf
{
    public static uint Run(IReadOnlyList<SeccompInstruction> program, uint arch, uint number, params ulong[] arguments)
    {
        var data = new byte[64];
        BitConverter.TryWriteBytes(data.AsSpan(0, 4), number);
        BitConverter.TryWriteBytes(data.AsSpan(4, 4), arch);
        for (var i = 0; i < arguments.Length; i++)
        {
            BitConverter.TryWriteBytes(data.AsSpan(16 + (8 * i), 8), arguments[i]);
        }

        uint a = 0;
        for (var pc = 0; pc < program.Count; pc++)
        {
            var instruction = program[pc];
            switch (instruction.Code)
            {
                case SeccompAssembler.LoadWord:
                    a = BitConverter.ToUInt32(data, (int)instruction.K);
                    break;
                case SeccompAssembler.AndConstant:
                    a &= instruction.K;
                    break;
                case SeccompAssembler.JumpAlways:
                    pc += (int)instruction.K;
                    break;
                case SeccompAssembler.JumpIfEqual:
                    pc += a == instruction.K ? instruction.JumpTrue : instruction.JumpFalse;
                    break;
                case SeccompAssembler.JumpIfAtLeast:
                    pc += a >= instruction.K ? instruction.JumpTrue : instruction.JumpFalse;
                    break;
                case SeccompAssembler.JumpIfAnySet:
                    pc += (a & instruction.K) != 0 ? instruction.JumpTrue : instruction.JumpFalse;
                    break;
                case SeccompAssembler.ReturnConstant:
                    return instruction.K;
                default:
                    throw new InvalidOperationException($"opcode 0x{instruction.Code:x} is not modelled");
            }
        }

        throw new InvalidOperationException("the program ran off its end");
    }
}
