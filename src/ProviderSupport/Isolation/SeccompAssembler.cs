using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Assembles a seccomp classic-BPF program from named jump targets, so that a filter reads as its rules and no jump
/// offset is counted by hand. Jumps go forward only (as the kernel demands) and at most 255 instructions.
/// </summary>
public sealed class SeccompAssembler
{
    /// <summary>BPF_LD | BPF_W | BPF_ABS: load a 32-bit word of <c>struct seccomp_data</c>.</summary>
    public const ushort LoadWord = 0x20;

    /// <summary>BPF_JMP | BPF_JA: jump always, by K.</summary>
    public const ushort JumpAlways = 0x05;

    /// <summary>BPF_JMP | BPF_JEQ | BPF_K.</summary>
    public const ushort JumpIfEqual = 0x15;

    /// <summary>BPF_JMP | BPF_JGE | BPF_K.</summary>
    public const ushort JumpIfAtLeast = 0x35;

    /// <summary>BPF_JMP | BPF_JSET | BPF_K: jump when any bit of K is set.</summary>
    public const ushort JumpIfAnySet = 0x45;

    /// <summary>BPF_ALU | BPF_AND | BPF_K.</summary>
    public const ushort AndConstant = 0x54;

    /// <summary>BPF_RET | BPF_K.</summary>
    public const ushort ReturnConstant = 0x06;

    private readonly List<(ushort Code, string? True, string? False, uint K)> instructions = [];
    private readonly Dictionary<string, int> labels = new(StringComparer.Ordinal);

    /// <summary>Names the next instruction.</summary>
    public SeccompAssembler Label(string name)
    {
        if (!labels.TryAdd(name, instructions.Count))
        {
            throw new InvalidOperationException($"the label '{name}' is defined twice");
        }

        return this;
    }

    /// <summary>Loads the 32-bit word at <paramref name="offset"/> of <c>struct seccomp_data</c>.</summary>
    public SeccompAssembler Load(uint offset) => Add(LoadWord, null, null, offset);

    /// <summary>Goes to <paramref name="target"/>.</summary>
    public SeccompAssembler Jump(string target) => Add(JumpAlways, target, null, 0);

    /// <summary>Goes to <paramref name="whenTrue"/> when the accumulator equals <paramref name="value"/>, else to <paramref name="whenFalse"/> (null: the next instruction).</summary>
    public SeccompAssembler IfEqual(uint value, string? whenTrue, string? whenFalse = null) => Add(JumpIfEqual, whenTrue, whenFalse, value);

    /// <summary>Goes to <paramref name="whenTrue"/> when the accumulator is at least <paramref name="value"/> (unsigned).</summary>
    public SeccompAssembler IfAtLeast(uint value, string? whenTrue, string? whenFalse = null) => Add(JumpIfAtLeast, whenTrue, whenFalse, value);

    /// <summary>Goes to <paramref name="whenTrue"/> when the accumulator has any bit of <paramref name="bits"/>.</summary>
    public SeccompAssembler IfAnySet(uint bits, string? whenTrue, string? whenFalse = null) => Add(JumpIfAnySet, whenTrue, whenFalse, bits);

    /// <summary>Keeps only <paramref name="bits"/> of the accumulator.</summary>
    public SeccompAssembler And(uint bits) => Add(AndConstant, null, null, bits);

    /// <summary>Ends the filter with <paramref name="action"/> (a SECCOMP_RET_ value).</summary>
    public SeccompAssembler Return(uint action) => Add(ReturnConstant, null, null, action);

    /// <summary>The program, every jump resolved.</summary>
    /// <exception cref="InvalidOperationException">A label is unknown, lies backwards or too far, or the program is empty.</exception>
    public IReadOnlyList<SeccompInstruction> Assemble()
    {
        if (instructions.Count == 0)
        {
            throw new InvalidOperationException("a seccomp program needs at least one instruction");
        }

        return instructions.Select((instruction, index) => instruction.Code == JumpAlways
                ? new SeccompInstruction(instruction.Code, 0, 0, Offset(index, instruction.True, int.MaxValue))
                : new SeccompInstruction(instruction.Code, (byte)Offset(index, instruction.True, byte.MaxValue), (byte)Offset(index, instruction.False, byte.MaxValue), instruction.K))
            .ToList();
    }

    /// <summary>The program as the kernel (and bwrap's --seccomp) reads it: the instructions one after another.</summary>
    public static byte[] Encode(IReadOnlyList<SeccompInstruction> program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var bytes = new byte[program.Count * SeccompInstruction.Size];
        for (var i = 0; i < program.Count; i++)
        {
            program[i].WriteTo(bytes.AsSpan(i * SeccompInstruction.Size));
        }

        return bytes;
    }

    private SeccompAssembler Add(ushort code, string? whenTrue, string? whenFalse, uint k)
    {
        instructions.Add((code, whenTrue, whenFalse, k));
        return this;
    }

    private uint Offset(int from, string? label, int limit)
    {
        if (label is null)
        {
            return 0;
        }

        if (!labels.TryGetValue(label, out var target))
        {
            throw new InvalidOperationException($"the label '{label}' is not defined");
        }

        var offset = target - from - 1;
        return offset < 0 || offset > limit
            ? throw new InvalidOperationException($"the jump from instruction {from} to '{label}' ({target}) is not a forward jump of at most {limit}")
            : (uint)offset;
    }
}
