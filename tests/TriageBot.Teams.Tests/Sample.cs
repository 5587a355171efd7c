using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Teams.Tests;

/// <summary>Builders for views used across tests.</summary>
internal static class Sample
{
    public static ItemSummary Item(int number, string? title = null, WorkStream stream = WorkStream.Bug) => new()
    {
        BacklogId = "payments",
        Number = number,
        Key = $"TRI-{number}",
        Title = title ?? $"Item number {number}",
        Stream = stream,
        State = ItemState.Ready,
        Total = 15,
        Placement = Queue.Ready,
        CreatedAt = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
        Url = $"https://triage.example.com/b/payments/items/{number}",
    };
}
