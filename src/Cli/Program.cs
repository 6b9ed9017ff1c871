using Diskless.Cli.Commands;
using Diskless.Cli.Composition;

// Ctrl-C cancels the command's token; the 30 s leave time to unmount and stop qemu before the process ends.
return await CliApp.RunAsync(args, DisklessServices.ForConsole(), CancellationToken.None, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
