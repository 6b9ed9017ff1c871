using Diskless.Cli.Processes;

namespace Diskless.Cli.Tests.Processes;

public sealed class ExecutableFinderTests
{
    [Fact]
    public void Programs_in_sbin_are_found_even_when_PATH_lacks_it()
    {
        Assert.Equal("/usr/sbin/chroot", ExecutableFinder.Find("chroot", "/usr/bin:/bin", []));
    }

    [Fact]
    public void Extra_directories_are_searched_last_and_need_an_executable_file()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-finder-").FullName;
        try
        {
            var plain = Path.Combine(folder, "helper-tool");
            File.WriteAllText(plain, "#!/bin/sh\n");
            File.SetUnixFileMode(plain, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            Assert.Null(ExecutableFinder.Find("helper-tool", "/usr/bin", [folder]));

            File.SetUnixFileMode(plain, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Assert.Equal(plain, ExecutableFinder.Find("helper-tool", "/usr/bin", [folder]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_name_with_a_slash_is_a_path()
    {
        Assert.Equal("/bin/sh", ExecutableFinder.Find("/bin/sh", "", []));
        Assert.Null(ExecutableFinder.Find("/nonexistent/sh", "/bin", []));
    }
}
