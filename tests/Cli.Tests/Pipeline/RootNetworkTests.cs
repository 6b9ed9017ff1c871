using System.Net;
using Diskless.Abstractions;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// The root is configured once for the network its provider described; every later start is told what that was, so
/// a provider whose host changed since (libvirt learning passt) still boots the network the root expects.
/// </summary>
public sealed class RootNetworkTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();
    private readonly FakeClock _clock = new();
    private MachineRecord? _recordAtStart;

    public void Dispose() => _sandbox.Dispose();

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_root_configured_for_dhcp_is_started_with_a_plan_that_says_so_and_the_record_keeps_it()
    {
        _sandbox.Provider.Network = GuestNetwork.Dhcp();

        var plan = await FirstStartAsync();

        Assert.Null(Assert.Single(_sandbox.Distro.Requests).Network.Static);
        Assert.True(plan.GuestAsksDhcp);
        Assert.True(_recordAtStart!.GuestAsksDhcp);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_root_configured_for_a_fixed_address_is_started_with_a_plan_that_says_it_does_not_ask_dhcp()
    {
        _sandbox.Provider.Network = new GuestNetwork(new StaticAddress(IPAddress.Parse("10.0.2.15"), 24, IPAddress.Parse("10.0.2.2")), [IPAddress.Parse("10.0.2.3")]);

        var plan = await FirstStartAsync();

        Assert.NotNull(Assert.Single(_sandbox.Distro.Requests).Network.Static);
        Assert.False(plan.GuestAsksDhcp);
        Assert.False(_recordAtStart!.GuestAsksDhcp);
    }

    private async Task<BootPlan> FirstStartAsync()
    {
        (var plan, _recordAtStart) = await _sandbox.FirstStartAsync(_sandbox.Services(), _clock);
        return plan;
    }
}
