using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>One virtiofs share's virtiofsd as planned: the share, its index (socket and log names) and the command.</summary>
internal sealed record PlannedVirtiofsd(Share Share, int Index, CommandSpec Command);
