namespace Diskless.Abstractions;

/// <summary>Why a guest cannot boot, recognised from its console.</summary>
/// <param name="Problem">What went wrong, in a sentence.</param>
/// <param name="Hint">What to do about it.</param>
/// <param name="LastLines">The last console lines, oldest first, to show with the error.</param>
public sealed record BootFailure(string Problem, string Hint, IReadOnlyList<string> LastLines);
