namespace Diskless.Abstractions;

/// <summary>A host file or folder shown read-only inside a sandbox, for input a step needs (a script, a key).</summary>
/// <param name="HostPath">The absolute host path.</param>
/// <param name="SandboxPath">The absolute path inside the sandbox, usually under /tmp.</param>
public sealed record SandboxBind(string HostPath, string SandboxPath);
