using Diskless.Abstractions;

namespace Diskless.ProviderSupport.Tests;

public sealed class SeccompAssemblerTests
{
    [Fact]
    public void An_instruction_is_encoded_as_struct_sock_filter_code_jt_jf_k()
    {
        var bytes = SeccompAssembler.Encode([new SeccompInstruction(0x0115, 0x02, 0x03, 0xC000003E)]);

        Assert.Equal(new byte[] { 0x15, 0x01, 0x02, 0x03, 0x3E, 0x00, 0x00, 0xC0 }, bytes);
    }

    [Fact]
    public void Jumps_are_resolved_to_the_number_of_instructions_skipped()
    {
        var program = new SeccompAssembler()
            .Load(0)
            .IfEqual(90, "yes", "no")
            .Return(1)
            .Label("yes").Return(2)
            .Label("no").Return(3)
            .Assemble();

        Assert.Equal(new SeccompInstruction(SeccompAssembler.JumpIfEqual, 1, 2, 90), program[1]);
        Assert.Equal(new SeccompInstruction(SeccompAssembler.LoadWord, 0, 0, 0), program[0]);
        Assert.Equal(new SeccompInstruction(SeccompAssembler.ReturnConstant, 0, 0, 3), program[4]);
    }

    [Fact]
    public void An_unconditional_jump_keeps_its_distance_in_k()
    {
        var program = new SeccompAssembler().Jump("end").Return(1).Return(2).Label("end").Return(3).Assemble();

        Assert.Equal(new SeccompInstruction(SeccompAssembler.JumpAlways, 0, 0, 2), program[0]);
    }

    [Fact]
    public void Backward_unknown_and_duplicate_labels_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new SeccompAssembler().Label("top").Load(0).IfEqual(1, "top").Return(0).Assemble());
        Assert.Throws<InvalidOperationException>(() => new SeccompAssembler().Load(0).IfEqual(1, "nowhere").Return(0).Assemble());
        Assert.Throws<InvalidOperationException>(() => new SeccompAssembler().Label("a").Label("a"));
        Assert.Throws<InvalidOperationException>(() => new SeccompAssembler().Assemble());
    }

    [Fact]
    public void A_jump_farther_than_a_byte_reaches_is_refused()
    {
        var asm = new SeccompAssembler().Load(0).IfEqual(1, "far");
        for (var i = 0; i < 256; i++)
        {
            asm.Return(0);
        }

        Assert.Throws<InvalidOperationException>(() => asm.Label("far").Return(1).Assemble());
    }
}
