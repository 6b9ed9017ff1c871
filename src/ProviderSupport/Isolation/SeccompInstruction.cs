using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// One classic-BPF instruction as the kernel's <c>struct sock_filter</c> holds it: a 16-bit opcode, the forward jumps
/// taken when a condition holds (<paramref name="JumpTrue"/>) or not (<paramref name="JumpFalse"/>), and a 32-bit operand.
/// </summary>
/// <param name="Code">The opcode (class, size, mode, operation).</param>
/// <param name="JumpTrue">Instructions skipped when a conditional jump's test holds.</param>
/// <param name="JumpFalse">Instructions skipped when it does not.</param>
/// <param name="K">The operand: an offset, a constant or a return value.</param>
public readonly record struct SeccompInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    /// <summary>The size of one encoded instruction.</summary>
    public const int Size = 8;

    /// <summary>Writes the instruction in the host's byte order (the kernel reads it as a native struct).</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"an instruction needs {Size} bytes", nameof(destination));
        }

        BitConverter.TryWriteBytes(destination[..2], Code);
        destination[2] = JumpTrue;
        destination[3] = JumpFalse;
        BitConverter.TryWriteBytes(destination[4..8], K);
    }
}
