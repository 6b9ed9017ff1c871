namespace Diskless.Plugins.QemuDirect;

/// <summary>QEMU's option syntax: values inside "key=value,key=value" lists.</summary>
internal static class QemuOptions
{
    /// <summary>Escapes a value for a QEMU option list: a comma is written twice, or it would start the next key.</summary>
    public static string Value(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
