namespace Diskless.Abstractions;

/// <summary>The <c>[provider]</c> table.</summary>
/// <param name="Name">The provider plugin's name ("qemu", "libvirt").</param>
/// <param name="Accel">The CPU virtualisation choice.</param>
/// <param name="Settings">Every other key of the table, validated by the plugin.</param>
/// <param name="Location">Where the table is written; null when defaulted.</param>
public sealed record ProviderSpec(
    string Name,
    Accelerator Accel,
    IReadOnlyDictionary<string, SpecValue> Settings,
    SourceLocation? Location);
