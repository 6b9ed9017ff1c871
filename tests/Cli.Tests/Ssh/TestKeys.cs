namespace Diskless.Cli.Tests.Ssh;

/// <summary>Real ed25519 public keys and their fingerprints as `ssh-keygen -lf` printed them, for tests that need no files.</summary>
internal static class TestKeys
{
    public const string HostA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOVL2WwlYXqw+jIZWLn8wLAG3EJHkROMW1WNloOWFTQ+ diskless-a-host";

    public const string HostAFingerprint = "SHA256:OTDXx/fUxJgmpUs79WxBhfnagNPqeRz2SV/taf3j3Z8";

    public const string HostB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL3E3hPNSA6j/GCenXhttTMTd0qJvN2+YpjLMrrJ4yV2 diskless-b-host";

    public const string HostBFingerprint = "SHA256:J4TigoTdoYwL1eTdYzFt7G1WFV0oecmS1jXZO9InkaM";

    public static byte[] Blob(string publicKeyLine) => Convert.FromBase64String(publicKeyLine.Split(' ')[1]);
}
