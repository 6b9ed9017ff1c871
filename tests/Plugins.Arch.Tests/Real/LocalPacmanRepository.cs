using System.Diagnostics;
using Diskless.Testing;

namespace Diskless.Plugins.Arch.Tests.Real;

/// <summary>
/// A pacman repository named "core" in a folder, made with Debian's makepkg and repo-add: one tiny package "base"
/// that provides linux, openssh, sudo and mkinitcpio too (pacman installs a target through its provider), holding the
/// account files, /etc/skel, a kernel file, the host's busybox as /bin/sh (with the libraries it links) and a dummy
/// mkinitcpio that writes the image, so that configure can run its programs in the root. makepkg refuses to run as
/// root, so it runs as nobody (one package: makepkg takes ~20 s a package here). Unsigned: the base is built with
/// check_signatures = false, the documented setting for such a repository.
/// Built once for the real tests of the collection <see cref="RealBuilds"/>, when the first of them asks (a skipped
/// test never does), and removed with it.
/// </summary>
public sealed class LocalPacmanRepository : IDisposable
{
    private readonly TempDirectory _folder = new("diskless-arch-repo-");
    private readonly Lazy<Task<string>> _mirror;

    public LocalPacmanRepository()
    {
        _mirror = new Lazy<Task<string>>(() => CreateAsync(_folder.Path, CancellationToken.None));
    }

    /// <summary>The repository's mirror URL (with $repo and $arch), built on first use.</summary>
    public Task<string> MirrorAsync() => _mirror.Value;

    public void Dispose() => _folder.Dispose();

    private const string Pkgbuild = """
        pkgname=base
        pkgver=1
        pkgrel=1
        pkgdesc="Diskless test base"
        arch=(any)
        provides=(linux openssh sudo mkinitcpio)
        options=(!strip !debug !docs)
        package() {
          install -d "$pkgdir"/etc/skel "$pkgdir"/boot "$pkgdir"/usr/bin "$pkgdir"/etc/ssh
          printf 'root:x:0:0::/root:/bin/sh\n' > "$pkgdir"/etc/passwd
          printf 'root:x:0:root\nwheel:x:998:\n' > "$pkgdir"/etc/group
          printf 'root:*:20000::::::\n' > "$pkgdir"/etc/shadow
          printf 'root:::root\nwheel:!*::\n' > "$pkgdir"/etc/gshadow
          chmod 600 "$pkgdir"/etc/shadow "$pkgdir"/etc/gshadow
          printf '# ~/.bashrc\n' > "$pkgdir"/etc/skel/.bashrc
          printf 'kernel image\n' > "$pkgdir"/boot/vmlinuz-linux
          install -d "$pkgdir"/bin
          install -m 0755 /bin/busybox "$pkgdir"/usr/bin/busybox
          ln -s ../usr/bin/busybox "$pkgdir"/bin/sh
          for lib in $(ldd /bin/busybox | grep -o '/[^ ]*'); do install -D -m 0755 "$lib" "$pkgdir$lib"; done
          printf '#!/bin/sh\necho "==> Building image from preset: $*"\necho "mkinitcpio image" > /boot/initramfs-linux.img\n' > "$pkgdir"/usr/bin/mkinitcpio
          chmod 0755 "$pkgdir"/usr/bin/mkinitcpio
        }
        """;

    /// <summary>Builds the repository under <paramref name="folder"/>; returns its mirror URL (with $repo and $arch).</summary>
    private static async Task<string> CreateAsync(string folder, CancellationToken cancellationToken)
    {
        // makepkg runs as nobody below the folder, and guest roots read the packages: others may pass and read.
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        var build = Path.Combine(folder, "build");
        var repository = Path.Combine(folder, "core", "os", "x86_64");
        Directory.CreateDirectory(build);
        Directory.CreateDirectory(repository);
        await File.WriteAllTextAsync(Path.Combine(build, "PKGBUILD"), Pkgbuild, cancellationToken);
        await RunAsync("chown", ["-R", "nobody:nogroup", folder], folder, cancellationToken);
        // An uncompressed package: compressing a few bytes is most of makepkg's time.
        await RunAsync("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", $"HOME={folder}", $"PKGDEST={repository}", "PKGEXT=.pkg.tar", "makepkg", "--nodeps", "--noconfirm", "--nocheck"], build, cancellationToken);
        var package = Directory.GetFiles(repository, "base-1-1-any.pkg.tar").Single();
        await RunAsync("repo-add", [Path.Combine(repository, "core.db.tar.gz"), package], repository, cancellationToken);
        return $"file://{folder}/$repo/os/$arch";
    }

    private static async Task RunAsync(string program, string[] arguments, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}{await error}");
    }
}

/// <summary>The real Arch builds: one at a time (each is pacstrap and gpg on a shared machine), one local repository for all.</summary>
[CollectionDefinition(Name)]
public sealed class RealBuilds : ICollectionFixture<LocalPacmanRepository>
{
    public const string Name = "real Arch base builds";
}
