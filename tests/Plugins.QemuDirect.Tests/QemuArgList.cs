namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// Reads a QEMU argument list the way QEMU does, so tests can assert the facts their names claim one by one
/// instead of trusting a golden file that DISKLESS_UPDATE_GOLDEN=1 would rewrite along with any regression.
/// </summary>
internal static class QemuArgList
{
    /// <summary>The value after every occurrence of <paramref name="option"/>, in order.</summary>
    public static IReadOnlyList<string> ValuesOf(IReadOnlyList<string> args, string option) =>
        args.Select((arg, i) => (arg, i)).Where(a => a.arg == option && a.i + 1 < args.Count).Select(a => args[a.i + 1]).ToList();

    /// <summary>The value of an option given exactly once.</summary>
    public static string ValueOf(IReadOnlyList<string> args, string option) => Assert.Single(ValuesOf(args, option));

    /// <summary>The parsed values of <paramref name="option"/> whose first (bare) word is <paramref name="head"/>, e.g. -device vhost-user-fs-pci.</summary>
    public static IReadOnlyList<OptionList> Lists(IReadOnlyList<string> args, string option, string head) =>
        ValuesOf(args, option).Select(OptionList.Parse).Where(l => l.Head == head).ToList();
}

/// <summary>
/// One QEMU option list, "head,key=value,key=value": a doubled comma is a comma inside a value (QemuOptions escapes
/// paths so), a single one starts the next key. Keys may repeat (hostfwd).
/// </summary>
internal sealed record OptionList(string? Head, IReadOnlyList<KeyValuePair<string, string>> Pairs)
{
    public static OptionList Parse(string text)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ',' && i + 1 < text.Length && text[i + 1] == ',')
            {
                current.Append(',');
                i++;
            }
            else if (text[i] == ',')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        parts.Add(current.ToString());
        var head = parts[0].Contains('=', StringComparison.Ordinal) ? null : parts[0];
        var pairs = parts.Skip(head is null ? 0 : 1)
            .Select(p => p.Split('=', 2))
            .Select(kv => new KeyValuePair<string, string>(kv[0], kv.Length > 1 ? kv[1] : ""))
            .ToList();
        return new OptionList(head, pairs);
    }

    /// <summary>Every value of <paramref name="key"/>, in order.</summary>
    public IReadOnlyList<string> All(string key) => Pairs.Where(p => p.Key == key).Select(p => p.Value).ToList();

    /// <summary>The value of a key given exactly once.</summary>
    public string this[string key] => Assert.Single(All(key));
}
