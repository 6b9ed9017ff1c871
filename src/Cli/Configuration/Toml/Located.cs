using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>A value read from the Disklessfile with where it is written.</summary>
internal readonly record struct Located<T>(T Value, SourceLocation Location);
