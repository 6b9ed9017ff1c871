using Diskless.Cli.Commands;

// Ctrl-C cancels the command's token; the 30 s leave time to unmount and stop qemu before the process ends.
var context = new CliContext(Console.Out, Console.Error) { Handlers = LifecycleHandlers.Create() };
return await CliApp.RunAsync(args, context, CancellationToken.None, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
