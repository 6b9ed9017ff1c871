using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>Finds the virtiofsd a provider starts (or has started) and which dialect it speaks.</summary>
public static class VirtiofsdLocator
{
    /// <summary>
    /// The virtiofsd the user named (<paramref name="configured"/>, a provider's <c>virtiofsd</c> key), else the
    /// first on PATH or in <see cref="VirtiofsdLocations.Directories"/>; null when none is installed.
    /// </summary>
    public static string? FindPath(string? configured, IHostServices host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return configured ?? host.FindExecutable(VirtiofsdLocations.Program, VirtiofsdLocations.Directories);
    }

    /// <summary>As <see cref="FindPath"/>, with the flavour its <c>--help</c> shows; null when none is installed.</summary>
    public static async Task<VirtiofsdInfo?> FindAsync(string? configured, IHostServices host, CancellationToken cancellationToken)
    {
        if (FindPath(configured, host) is not { } path)
        {
            return null;
        }

        var help = await host.Commands.RunAsync(
            new CommandSpec(path, "--help") { Description = "virtiofsd --help", SuccessExitCodes = [0, 1, 2] },
            cancellationToken).ConfigureAwait(false);
        return new VirtiofsdInfo(path, FlavourFromHelp(help.StandardOutput + help.StandardError));
    }

    /// <summary>The Rust virtiofsd documents --shared-dir; the C one only knows "-o source=".</summary>
    public static VirtiofsdFlavour FlavourFromHelp(string helpText)
    {
        ArgumentNullException.ThrowIfNull(helpText);
        return helpText.Contains("--shared-dir", StringComparison.Ordinal) ? VirtiofsdFlavour.Rust : VirtiofsdFlavour.LegacyC;
    }
}
