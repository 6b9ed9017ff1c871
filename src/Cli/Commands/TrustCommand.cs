using System.CommandLine;
using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;
using Diskless.Cli.Trust;

namespace Diskless.Cli.Commands;

/// <summary>
/// <c>diskless trust [--list | --revoke]</c>: consent to what this exact Disklessfile reaches past its project, as
/// <c>direnv allow</c> does; kept in the user's configuration, not in the project.
/// </summary>
internal static class TrustCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var list = new Option<bool>("--list") { Description = "List the Disklessfiles you trust, and whether each is still as you trusted it" };
        var revoke = new Option<bool>("--revoke") { Description = "Take back your trust in this Disklessfile" };
        var json = new Option<bool>("--json") { Description = "With --list: print JSON for scripts" };
        var command = new Command("trust", "Trust this Disklessfile's requests (host programs, paths outside the project, extra QEMU arguments, ports open to the network)")
        {
            list, revoke, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var store = context.Trust;
            if (result.GetValue(list))
            {
                return List(context, store, result.GetValue(json));
            }

            var project = await context.ProjectAsync(result.GetValue(globals.File), validate: true, cancellationToken).ConfigureAwait(false);
            var path = TrustGate.RealDisklessfile(project);
            if (result.GetValue(revoke))
            {
                var revoked = await store.RevokeAsync(path, cancellationToken).ConfigureAwait(false);
                await context.Error.WriteLineAsync(revoked ? $"{path} is no longer trusted." : $"{path} was not trusted.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (project.Requests.Count == 0)
            {
                await context.Error.WriteLineAsync($"{path} reaches nothing outside its project: there is nothing to trust.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var lines = project.Requests.Select(r => r.ToString()).ToList();
            await store.GrantAsync(new TrustedFile(path, project.ContentSha256, DateTimeOffset.UtcNow, lines), cancellationToken).ConfigureAwait(false);
            await context.Error.WriteLineAsync($"Trusted {path} as it is now (an edit asks again), with:").ConfigureAwait(false);
            foreach (var line in lines)
            {
                await context.Error.WriteLineAsync("  " + line).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static int List(DisklessServices context, TrustStore store, bool json)
    {
        var views = store.List().Select(f => new TrustedView(f.Path, f.Sha256, f.TrustedAt, Standing(f), f.Requests)).ToList();
        if (json)
        {
            CliJson.Write(context.Out, new TrustedList(store.FilePath, views));
            return ExitCodes.Success;
        }

        foreach (var view in views)
        {
            context.Out.WriteLine($"{view.Path}  trusted {view.TrustedAt:yyyy-MM-dd HH:mm} UTC  ({view.Standing})");
            foreach (var request in view.Requests)
            {
                context.Out.WriteLine("    " + request);
            }
        }

        if (views.Count == 0)
        {
            context.Error.WriteLine($"No Disklessfile is trusted ({store.FilePath}).");
        }

        return ExitCodes.Success;
    }

    // Whether the file is still the one trusted: an edit or a removal voids the consent.
    private static string Standing(TrustedFile file)
    {
        if (!File.Exists(file.Path))
        {
            return "gone";
        }

        try
        {
            return DisklessfileParser.ContentSha256(File.ReadAllText(file.Path)) == file.Sha256 ? "unchanged" : "changed since: not trusted";
        }
        catch (IOException)
        {
            return "unreadable";
        }
    }

    private sealed record TrustedView(string Path, string Sha256, DateTimeOffset TrustedAt, string Standing, IReadOnlyList<string> Requests);

    private sealed record TrustedList(string File, IReadOnlyList<TrustedView> Trusted);
}
