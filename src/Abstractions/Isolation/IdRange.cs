using System.Globalization;

namespace Diskless.Abstractions;

/// <summary>One line of a user namespace's uid_map or gid_map: <paramref name="Count"/> ids from <paramref name="Guest"/> inside map to ids from <paramref name="Host"/> outside.</summary>
/// <param name="Guest">The first id inside the namespace.</param>
/// <param name="Host">The host id the first guest id maps to.</param>
/// <param name="Count">How many consecutive ids the line maps.</param>
public sealed record IdRange(long Guest, long Host, long Count)
{
    /// <summary>The host id of <paramref name="guest"/>, or null when this line does not cover it.</summary>
    public long? ToHost(long guest) => guest >= Guest && guest - Guest < Count ? Host + (guest - Guest) : null;

    /// <summary>The guest id of host id <paramref name="host"/>, or null when this line does not cover it.</summary>
    public long? ToGuest(long host) => host >= Host && host - Host < Count ? Guest + (host - Host) : null;

    /// <summary>The line as the kernel's map files and newuidmap take it: "guest host count".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Guest} {Host} {Count}");
}
