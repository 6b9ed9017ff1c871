using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary><c>diskless ssh-config</c>: prints an OpenSSH config block for machines.</summary>
internal static class SshConfigCommand
{
    public static Command Create(GlobalOptions globals, DisklessServices context)
    {
        var machine = CommandBinding.MachineArgument("describe");
        var host = new Option<string?>("--host") { Description = "The Host name to write (default: the machine name)", HelpName = "name" };
        var command = new Command("ssh-config", "Print an OpenSSH config block for the machine (for ssh, scp, rsync, editors)") { machine, host };
        return command.Runs(context, r => new SshConfigRequest(globals.Read(r, context), r.GetValue(machine), r.GetValue(host)), h => h.SshConfig);
    }
}
