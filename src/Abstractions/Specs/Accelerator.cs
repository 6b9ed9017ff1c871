namespace Diskless.Abstractions;

/// <summary>The user's choice of CPU virtualisation (<c>accel</c> in <c>[provider]</c>).</summary>
public enum Accelerator
{
    /// <summary>KVM when the CPU really has it (vmx/svm in /proc/cpuinfo), else TCG.</summary>
    Auto,

    /// <summary>Always KVM.</summary>
    Kvm,

    /// <summary>Always software emulation.</summary>
    Tcg,
}
