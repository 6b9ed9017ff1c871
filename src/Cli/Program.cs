using Diskless.Cli.Commands;
using Diskless.Cli.Composition;
using Diskless.Cli.Output;
using Diskless.Cli.Processes;

// Ctrl-C (or SIGTERM) cancels the command, which cleans up for as long as that takes; a second one ends the process.
using var interrupts = Interrupts.Register(ConsoleWriters.Error);
// Waited for here rather than awaited: an async Main's state machine is one more method the runtime compiles at start.
return CliApp.RunAsync(args, DisklessServices.ForConsole(), interrupts.Token).GetAwaiter().GetResult();
