namespace TriageBot.Teams.Connector;

/// <summary>
/// Keeps the bot under Teams' limits: at most 7 messages per second per conversation and 50 requests per second per
/// tenant. Each call reserves the earliest slot both windows allow and says how long to wait for it.
/// </summary>
public sealed class ConnectorPacer(TimeProvider time)
{
    public const int PerConversationPerSecond = 7;
    public const int PerTenantPerSecond = 50;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, List<DateTimeOffset>> _slots = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _reservations;

    /// <summary>Reserves a slot for one request and returns the delay before it may be sent.</summary>
    public TimeSpan Reserve(string tenantId, string conversationId)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (++_reservations % 500 == 0) Prune(now);
            var conversation = Slots("c:" + conversationId);
            var tenant = Slots("t:" + tenantId);
            // Slots per key are kept in order: start no earlier than the last reservation on either key.
            var at = Max(now, Last(conversation), Last(tenant));
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var (slots, limit) in new[] { (conversation, PerConversationPerSecond), (tenant, PerTenantPerSecond) })
                {
                    var inWindow = slots.Count(s => s > at - Window);
                    if (inWindow >= limit)
                    {
                        at = slots[^limit] + Window;
                        changed = true;
                    }
                }
            }
            conversation.Add(at);
            tenant.Add(at);
            Trim(conversation, now);
            Trim(tenant, now);
            return at - now;
        }
    }

    private List<DateTimeOffset> Slots(string key)
    {
        if (!_slots.TryGetValue(key, out var list)) _slots[key] = list = [];
        return list;
    }

    private static DateTimeOffset Last(List<DateTimeOffset> slots) => slots.Count == 0 ? DateTimeOffset.MinValue : slots[^1];

    private static DateTimeOffset Max(params DateTimeOffset[] values) => values.Max();

    private static void Trim(List<DateTimeOffset> slots, DateTimeOffset now)
    {
        var stale = slots.FindIndex(s => s > now - Window - Window);
        if (stale > 0) slots.RemoveRange(0, stale);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _slots.Where(kv => kv.Value.Count == 0 || kv.Value[^1] < now - Window).Select(kv => kv.Key).ToList())
            _slots.Remove(key);
    }
}
