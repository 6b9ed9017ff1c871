using System.Globalization;

namespace Diskless.Testing;

/// <summary>What /proc/PID/status says about a running process: its host uid and its effective capabilities.</summary>
public sealed record ProcStatus(long Uid, ulong CapEff)
{
    public static ProcStatus Read(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        string Field(string name) => lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim();
        return new ProcStatus(
            long.Parse(Field("Uid").Split('\t', ' ')[0], CultureInfo.InvariantCulture),
            ulong.Parse(Field("CapEff"), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
