using System.Text.Json;
using Diskless.Abstractions;

namespace Diskless.Testing;

/// <summary>
/// <see cref="RootEdit"/>s as JSON, so a test can hand them to tests/Fixtures/NamespaceProbe, which applies them as
/// the ordinary test user.
/// </summary>
public static class RootEditJson
{
    private sealed record Entry(string Kind, string Path, string? Content = null, int Mode = 0, int? Uid = null, int? Gid = null, string? Target = null, string? Source = null);

    /// <summary>The edits as one JSON array.</summary>
    public static string Serialize(IEnumerable<RootEdit> edits) => JsonSerializer.Serialize(edits.Select(ToEntry).ToList());

    /// <summary>The edits <see cref="Serialize"/> wrote.</summary>
    public static IReadOnlyList<RootEdit> Deserialize(string json) =>
        (JsonSerializer.Deserialize<List<Entry>>(json) ?? []).Select(FromEntry).ToList();

    private static Entry ToEntry(RootEdit edit) => edit switch
    {
        WriteFileEdit w => new("write", w.GuestPath, Content: w.Content, Mode: (int)w.Mode, Uid: w.Owner?.Uid, Gid: w.Owner?.Gid),
        CopyFileEdit c => new("copy", c.GuestPath, Mode: (int)c.Mode, Source: c.HostSource),
        CreateDirectoryEdit d => new("mkdir", d.GuestPath, Mode: (int)d.Mode, Uid: d.Owner?.Uid, Gid: d.Owner?.Gid),
        SymlinkEdit l => new("link", l.GuestPath, Target: l.Target),
        DeleteFileEdit x => new("delete", x.GuestPath),
        _ => throw new ArgumentException($"no JSON for {edit.GetType().Name}", nameof(edit)),
    };

    private static RootEdit FromEntry(Entry e) => e.Kind switch
    {
        "write" => new WriteFileEdit(e.Path, e.Content!, (UnixFileMode)e.Mode, Owner(e)),
        "copy" => new CopyFileEdit(e.Source!, e.Path, (UnixFileMode)e.Mode),
        "mkdir" => new CreateDirectoryEdit(e.Path, (UnixFileMode)e.Mode, Owner(e)),
        "link" => new SymlinkEdit(e.Path, e.Target!),
        "delete" => new DeleteFileEdit(e.Path),
        _ => throw new ArgumentException($"unknown edit kind '{e.Kind}'", nameof(e)),
    };

    private static RootOwner? Owner(Entry e) => e.Uid is { } uid ? new RootOwner(uid, e.Gid ?? uid) : null;
}
