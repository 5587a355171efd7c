namespace TriageBot.Core.Reports;

/// <summary>A report list: the first entries to show and how many there are in all.</summary>
public sealed record Listed<T>(IReadOnlyList<T> Shown, int Count)
{
    public static Listed<T> Empty { get; } = new([], 0);

    public int More => Count - Shown.Count;
}
