using System.Security.Cryptography;
using System.Text;
using Diskless.Cli.State;

namespace Diskless.Cli.Tests.State;

public sealed class ManagedSha256Tests
{
    [Fact]
    public void The_standard_test_vectors_hash_as_FIPS_180_4_says()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex(""));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex("abc"));
        Assert.Equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    }

    [Fact]
    public void Every_length_across_block_and_padding_boundaries_hashes_as_the_platform_does()
    {
        var random = new Random(23);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(SHA256.HashData(data), ManagedSha256.HashData(data));
        }
    }

    [Theory]
    [InlineData("/home/ann/project")]
    [InlineData("/srv/projekte/grüße dir")]
    public void A_project_key_is_the_first_16_hex_digits_of_the_platform_sha256_of_its_path(string path)
    {
        // Existing state folders are named so: the key must not change with the hash's implementation.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..16], ProjectState.KeyOf(path));
    }

    private static string Hex(string text) => Convert.ToHexStringLower(ManagedSha256.HashData(Encoding.UTF8.GetBytes(text)));
}
