using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd.Bases;

/// <summary>
/// A base, then a project adding one package, for real: the derived base is made from the first (its record says so),
/// the guest has the package, the first base is unchanged, prune keeps the parent while a live machine's base needs it
/// and removes the unused chain afterwards, and a second derivation of the same package downloads nothing the package
/// cache holds. The parent is a copy of the end-to-end tests' cached default base (same map: as root, for a project of
/// uid 1000) in a data dir of this test's own, so prune here never touches the shared bases and no base is built.
/// </summary>
public sealed partial class A_derived_base(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(20);

    private readonly string _project = Directory.CreateTempSubdirectory("diskless-derived-").FullName;
    private readonly string _data = Path.Combine(Path.GetDirectoryName(DisklessProcess.DataDirectory)!, "e2e-derived-" + Environment.ProcessId);

    private string Bases => Path.Combine(_data, "bases");

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(_project, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(Path.Combine(_project, "Disklessfile"), """
            name = "derived"
            memory = "1GiB"

            [distro]
            name = "debian"
            release = "bookworm"
            packages = ["tree"]
            """);
        // As MachineFixture: the project is uid 1000's, so the machine's map (and the bases' key) is theirs.
        await CliWrap.Cli.Wrap("chown").WithArguments(["-R", "1000:1000", _project]).RunWithTimeoutAsync();
    }

    public async Task DisposeAsync()
    {
        await RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        await RunAsync(TimeSpan.FromMinutes(10), "prune");
        Directory.Delete(_project, recursive: true);
        if (Directory.Exists(_data))
        {
            // What prune could not take (a failed test's leftovers): as root, the ids do not matter.
            await CliWrap.Cli.Wrap("rm").WithArguments(["-rf", "--one-file-system", _data]).RunWithTimeoutAsync();
        }
    }

    [RequiresFact("qemu-system-x86_64", "mmdebstrap", "ssh", "bwrap", Root = true, Timeout = 60 * 60 * 1000)]
    public async Task Is_made_from_the_cached_base_kept_while_needed_and_never_downloads_twice()
    {
        var seeded = await SeedParentsAsync();
        var statuses = seeded.ToDictionary(k => k, k => Hash(Path.Combine(Bases, k, "var/lib/dpkg/status")));

        var up = await RunAsync(UpTimeout, "up", "--verbose");
        Assert.True(up.ExitCode == 0, up.ToString());
        var (derived, parent) = Derivation(up);
        Assert.Contains(parent, seeded);
        var parentStatus = statuses[parent];
        var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Bases, derived + ".json"))).RootElement;
        var guest = await RunAsync(TimeSpan.FromMinutes(2), "ssh", "-c", "tree --version");
        var keptWhileUsed = await RunAsync(TimeSpan.FromMinutes(10), "prune");
        var du = await RunAsync(TimeSpan.FromMinutes(2), "du");

        Assert.Contains($"deriving it from base {parent} (adding tree)", up.Stdout + up.Stderr, StringComparison.Ordinal);
        Assert.Equal(parent, record.GetProperty("derivedFrom").GetString());
        Assert.Contains("tree", record.GetProperty("spec").GetProperty("packages").EnumerateArray().Select(p => p.GetString()));
        Assert.True(guest.ExitCode == 0 && guest.Stdout.StartsWith("tree v", StringComparison.Ordinal), guest.ToString());
        Assert.False(File.Exists(Path.Combine(Bases, parent, "usr/bin/tree")), "the parent base changed");
        Assert.Equal(parentStatus, Hash(Path.Combine(Bases, parent, "var/lib/dpkg/status")));
        Assert.True(File.Exists(Path.Combine(Bases, derived, "usr/bin/tree")));
        Assert.Equal(1, PackageFetches(up));
        Assert.Contains($"kept base {parent}: base {derived}, which is kept, was derived from it", keptWhileUsed.Stdout, StringComparison.Ordinal);
        Assert.Contains($"kept base {derived}: in use", keptWhileUsed.Stdout, StringComparison.Ordinal);
        Assert.Contains($"derived from {parent}", du.Stdout, StringComparison.Ordinal);
        Assert.Single(PackageCache(), f => f.StartsWith("tree_", StringComparison.Ordinal));

        var destroy = await RunAsync(TimeSpan.FromMinutes(3), "destroy", "--force");
        var removedUnused = await RunAsync(TimeSpan.FromMinutes(10), "prune");

        Assert.True(destroy.ExitCode == 0, destroy.ToString());
        Assert.Contains($"removed base {derived}", removedUnused.Stdout, StringComparison.Ordinal);
        Assert.Contains($"removed base {parent}", removedUnused.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Bases, parent)) || Directory.Exists(Path.Combine(Bases, derived)));
        Assert.False(File.Exists(Path.Combine(Bases, derived + ".json")));
        Assert.Single(PackageCache(), f => f.StartsWith("tree_", StringComparison.Ordinal));

        // The same derivation again, from a fresh copy of the parent: tree is in the package cache, so nothing is fetched.
        await SeedParentsAsync();
        var again = await RunAsync(UpTimeout, "up", "--verbose");
        output.WriteLine($"first derivation up {up.Duration.TotalSeconds:F0} s, second {again.Duration.TotalSeconds:F0} s");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal((derived, parent), Derivation(again));
        Assert.Equal(0, PackageFetches(again));
    }

    /// <summary>Copies the shared tests' cached default bases (rootless ones only: they carry a map) into this data dir; returns their keys.</summary>
    private async Task<IReadOnlyList<string>> SeedParentsAsync()
    {
        var shared = Path.Combine(DisklessProcess.DataDirectory, "bases");
        var candidates = Directory.Exists(shared)
            ? Directory.EnumerateDirectories(shared, "debian-bookworm-amd64-*-map*").Order(StringComparer.Ordinal).ToList()
            : [];
        Assert.True(candidates.Count > 0, $"no cached rootless Debian base in {shared}: run the end-to-end machine tests first (they build it)");
        Directory.CreateDirectory(Bases);
        foreach (var candidate in candidates)
        {
            var copy = Path.Combine(Bases, Path.GetFileName(candidate));
            if (!Directory.Exists(copy))
            {
                await CliWrap.Cli.Wrap("cp").WithArguments(["-a", "--reflink=auto", candidate, copy]).RunWithTimeoutAsync();
            }
        }

        return [.. candidates.Select(Path.GetFileName).OfType<string>()];
    }

    private static (string Derived, string Parent) Derivation(CliRun up)
    {
        var match = DerivingLine().Match(up.Stdout + up.Stderr);
        Assert.True(match.Success, "the base was not derived: " + up);
        return (match.Groups["key"].Value, match.Groups["parent"].Value);
    }

    /// <summary>apt's "Get:" lines that name a package file (not an index): what the up downloaded.</summary>
    private static int PackageFetches(CliRun up) =>
        (up.Stdout + up.Stderr).Split('\n').Count(l => PackageGet().IsMatch(l));

    private IReadOnlyList<string> PackageCache()
    {
        var folder = Path.Combine(_data, "cache", "packages", "debian");
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder, "*.deb").Select(Path.GetFileName).OfType<string>()] : [];
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private Task<CliRun> RunAsync(TimeSpan timeout, params string[] arguments) =>
        DisklessProcess.RunProgramAsync(DisklessProcess.Program, arguments, _project, timeout, new Dictionary<string, string?>
        {
            ["DISKLESS_HOME"] = _data,
            ["XDG_CONFIG_HOME"] = DisklessProcess.ConfigDirectory,
        });

    [GeneratedRegex(@"Base (?<key>\S+) is not in the cache yet: deriving it from base (?<parent>\S+) \(adding")]
    private static partial Regex DerivingLine();

    [GeneratedRegex(@"^Get:\d+ \S+ \S+/\S+ \S+ \S+ \S+ \S+ \[")]
    private static partial Regex PackageGet();
}
