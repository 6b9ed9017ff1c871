using System.Buffers.Binary;
using Diskless.Cli.Isolation;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

public sealed class FileCapabilitiesTests
{
    /// <summary>A vfs_cap_data v2 value as setcap writes it.</summary>
    public static byte[] Attribute(bool effective, params int[] capabilities)
    {
        var value = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(value, 0x02000000u | (effective ? 1u : 0u));
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(4), capabilities.Aggregate(0u, (mask, c) => mask | (1u << c)));
        return value;
    }

    [Fact]
    public void A_permitted_and_effective_capability_is_granted()
    {
        Assert.True(FileCapabilities.Grants(Attribute(effective: true, FileCapabilities.SetUid), FileCapabilities.SetUid));
        Assert.True(FileCapabilities.Grants(Attribute(effective: true, FileCapabilities.SetGid, FileCapabilities.SetUid), FileCapabilities.SetGid));
    }

    [Fact]
    public void Another_capability_a_missing_effective_flag_or_a_short_value_grant_nothing()
    {
        Assert.False(FileCapabilities.Grants(Attribute(effective: true, FileCapabilities.SetGid), FileCapabilities.SetUid));
        Assert.False(FileCapabilities.Grants(Attribute(effective: false, FileCapabilities.SetUid), FileCapabilities.SetUid));
        Assert.False(FileCapabilities.Grants(new byte[4], FileCapabilities.SetUid));
    }

    [RequiresFact("newuidmap")]
    public void Debians_newuidmap_is_setuid_root_without_file_capabilities()
    {
        var path = Prerequisites.FindProgram("newuidmap")!;

        var status = FileStatus.Read(path);

        Assert.NotNull(status);
        Assert.Equal(0, status.Uid);
        Assert.True(status.Mode.HasFlag(UnixFileMode.SetUser));
        Assert.Null(FileCapabilities.ReadAttribute(path));
        Assert.Null(FileStatus.Read(path + ".missing"));
    }

    [Fact]
    public void A_file_status_reports_the_owner_and_mode()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.SetGroup);
            var status = FileStatus.Read(file)!;

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.SetGroup, status.Mode);
            Assert.Equal(HostIdentity.Current().Uid, status.Uid);
            Assert.Equal(HostIdentity.Current().Gid, status.Gid);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
