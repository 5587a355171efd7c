using TriageBot.Core.Items;
using TriageBot.Core.Streams;

namespace TriageBot.Core.Reports;

/// <summary>Capability-note reminders due (SPEC §5): features whose note was requested 2 working days ago or more, with no note and no reminder yet.</summary>
public static class CapabilityNoteReminders
{
    /// <summary>The due features, lazily, in the order given: one pass, nothing held.</summary>
    public static IEnumerable<Item> Due(IEnumerable<Item> items, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(zone);
        return items.Where(i => FeatureChecks.NoteReminderDue(i, zone, now));
    }
}
