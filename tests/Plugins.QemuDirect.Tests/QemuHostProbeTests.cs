using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

public class QemuHostProbeTests
{
    private const string CpuWithoutVirtualization = """
        processor	: 0
        vendor_id	: GenuineIntel
        model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
        flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch
        bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data
        """;

    private const string IntelWithVtx = "processor\t: 0\nflags\t\t: fpu vme de pse tsc msr vmx smx est tm2\n";

    private const string AmdWithSvm = "processor\t: 0\nflags\t\t: fpu vme de pse tsc msr svm extapic cr8_legacy\n";

    private sealed class FakeHost(KvmDevice device, string? cpuInfo, bool openToEveryone = true) : IHostSystem
    {
        public int KvmProbes { get; private set; }

        public bool KvmOpenToEveryone => openToEveryone;

        public string? ReadCpuInfo() => cpuInfo;

        public KvmDevice ProbeKvmDevice()
        {
            KvmProbes++;
            return device;
        }
    }

    [Fact]
    public void An_openable_dev_kvm_without_vmx_or_svm_falls_back_to_TCG_with_one_warning()
    {
        var progress = new RecordingProgress();

        var useKvm = new QemuHostProbe(new FakeHost(KvmDevice.Opens, CpuWithoutVirtualization)).DecideKvm(Accelerator.Auto, progress);

        Assert.False(useKvm);
        var warning = Assert.Single(progress.Lines);
        Assert.StartsWith("warn: KVM is not usable here (the CPU shows no vmx or svm flag", warning, StringComparison.Ordinal);
        Assert.Contains("TCG", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IntelWithVtx)]
    [InlineData(AmdWithSvm)]
    public void KVM_is_used_when_dev_kvm_opens_and_the_cpu_has_virtualization(string cpuInfo)
    {
        var progress = new RecordingProgress();

        var useKvm = new QemuHostProbe(new FakeHost(KvmDevice.Opens, cpuInfo)).DecideKvm(Accelerator.Auto, progress);

        Assert.True(useKvm);
        Assert.Empty(progress.Lines);
    }

    [Theory]
    [InlineData(KvmDevice.Missing, "/dev/kvm does not exist")]
    [InlineData(KvmDevice.NoAccess, "/dev/kvm cannot be opened")]
    public void A_missing_or_closed_dev_kvm_falls_back_to_TCG_even_with_vmx(KvmDevice device, string reason)
    {
        var progress = new RecordingProgress();

        var useKvm = new QemuHostProbe(new FakeHost(device, IntelWithVtx)).DecideKvm(Accelerator.Auto, progress);

        Assert.False(useKvm);
        Assert.Contains(reason, Assert.Single(progress.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void Forcing_TCG_neither_probes_KVM_nor_warns()
    {
        var host = new FakeHost(KvmDevice.Opens, IntelWithVtx);
        var progress = new RecordingProgress();

        var useKvm = new QemuHostProbe(host).DecideKvm(Accelerator.Tcg, progress);

        Assert.False(useKvm);
        Assert.Equal(0, host.KvmProbes);
        Assert.Empty(progress.Lines);
    }

    [Fact]
    public void In_a_user_namespace_a_dev_kvm_only_the_users_groups_may_open_means_TCG_and_says_why()
    {
        var progress = new RecordingProgress();
        var probe = new QemuHostProbe(new FakeHost(KvmDevice.Opens, IntelWithVtx, openToEveryone: false));

        var inNamespace = probe.DecideKvm(Accelerator.Auto, progress, inNamespace: true);
        var hostOwned = probe.DecideKvm(Accelerator.Auto, new RecordingProgress());
        var forced = Assert.Throws<DisklessException>(() => probe.DecideKvm(Accelerator.Kvm, new RecordingProgress(), inNamespace: true));

        Assert.False(inNamespace);
        Assert.True(hostOwned);
        Assert.Contains(progress.Lines, l => l.Contains("not open to all users", StringComparison.Ordinal));
        Assert.Contains("0666", forced.Hint, StringComparison.Ordinal);
        Assert.True(new QemuHostProbe(new FakeHost(KvmDevice.Opens, IntelWithVtx, openToEveryone: true)).DecideKvm(Accelerator.Auto, new RecordingProgress(), inNamespace: true));
    }

    [Fact]
    public void Forcing_KVM_without_dev_kvm_is_an_error_with_a_hint()
    {
        var probe = new QemuHostProbe(new FakeHost(KvmDevice.Missing, IntelWithVtx));

        var error = Assert.Throws<DisklessException>(() => probe.DecideKvm(Accelerator.Kvm, new RecordingProgress()));

        Assert.Contains("/dev/kvm does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("accel = \"auto\"", error.Hint, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
    }

    [Fact]
    public void Forcing_KVM_on_a_cpu_without_vmx_obeys_but_warns()
    {
        var progress = new RecordingProgress();

        var useKvm = new QemuHostProbe(new FakeHost(KvmDevice.Opens, CpuWithoutVirtualization)).DecideKvm(Accelerator.Kvm, progress);

        Assert.True(useKvm);
        Assert.Contains("may hang", Assert.Single(progress.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_containing_vmx_as_a_substring_does_not_count()
    {
        Assert.False(KvmRule.CpuHasVirtualization("flags\t: fpu vmxx svm_lock\n"));
        Assert.False(KvmRule.CpuHasVirtualization(null));
    }

    [Fact]
    public void The_version_is_read_from_qemus_banner()
    {
        Assert.Equal("7.2.22", QemuHostProbe.ParseVersion("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022"));
        Assert.Null(QemuHostProbe.ParseVersion("garbage"));
    }

    [Fact]
    public void The_machine_properties_are_read_from_qemus_help()
    {
        const string help = "pc-q35-7.2-machine options:\n  acpi=<OnOffAuto>       - Enable ACPI\n  i8042=<bool>\n  sata=<bool>            - Enable/disable Serial ATA bus\n  x-oem-id=<string>      - Override\n";

        Assert.Equal(["acpi", "i8042", "sata", "x-oem-id"], QemuHostProbe.ParseMachineProperties(help).Order(StringComparer.Ordinal));
        Assert.Empty(QemuHostProbe.ParseMachineProperties("qemu-system-x86_64: unsupported machine type"));
    }

    [Fact]
    public async Task The_rust_virtiofsd_is_recognised_by_its_help()
    {
        var host = new FakeHostServices();
        host.Executables["virtiofsd"] = "/usr/libexec/virtiofsd";
        host.Runner.Print("virtiofsd", "Usage: virtiofsd [OPTIONS]\n      --shared-dir <SHARED_DIR>\n          Shared directory path\n", "--help");

        var found = await new QemuHostProbe(new FakeHost(KvmDevice.Missing, null)).FindVirtiofsdAsync(QemuSettings.Default, host, CancellationToken.None);

        Assert.Equal(new VirtiofsdInfo("/usr/libexec/virtiofsd", VirtiofsdFlavour.Rust), found);
    }

    [Fact]
    public async Task The_C_virtiofsd_is_recognised_by_its_help()
    {
        var host = new FakeHostServices();
        host.Executables["virtiofsd"] = "/usr/lib/qemu/virtiofsd";
        host.Runner.Print("virtiofsd", "usage: virtiofsd [options]\n    -o source=PATH             shared directory tree\n", "--help");

        var found = await new QemuHostProbe(new FakeHost(KvmDevice.Missing, null)).FindVirtiofsdAsync(QemuSettings.Default, host, CancellationToken.None);

        Assert.Equal(VirtiofsdFlavour.LegacyC, found?.Flavour);
    }

    [Fact]
    public async Task The_default_transport_is_9p_without_virtiofsd_and_virtiofs_with_it()
    {
        var provider = new QemuDirectProvider(new FakeHost(KvmDevice.Missing, null), QemuTimings.Default);
        var host = new FakeHostServices();

        var without = await provider.DefaultTransportAsync(host, CancellationToken.None);
        host.Executables["virtiofsd"] = "/usr/lib/qemu/virtiofsd";
        var with = await provider.DefaultTransportAsync(host, CancellationToken.None);

        Assert.Equal(ShareTransport.NineP, without);
        Assert.Equal(ShareTransport.VirtioFs, with);
    }

    [Fact]
    public async Task Without_qemu_the_probe_says_what_to_install()
    {
        var probe = new QemuHostProbe(new FakeHost(KvmDevice.Missing, null));

        var error = await Assert.ThrowsAsync<DisklessException>(() => probe.ProbeAsync(TestPlans.Provider(), new FakeHostServices(), CancellationToken.None));

        Assert.Contains("apt-get install -y qemu-system-x86", error.Hint, StringComparison.Ordinal);
    }
}
