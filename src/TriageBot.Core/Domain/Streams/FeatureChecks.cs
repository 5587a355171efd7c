using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;

namespace TriageBot.Core.Streams;

/// <summary>Checks on feature requests the weekly report lists: Build without a success metric, long Discovery, missing capability notes.</summary>
public static class FeatureChecks
{
    /// <summary>Discovery longer than this many days is flagged.</summary>
    public const int DiscoveryLimitDays = 10;

    /// <summary>Capability-note requests unanswered for this many working days are reminded.</summary>
    public const int NoteReminderWorkingDays = 2;

    /// <summary>Not Done and not Closed.</summary>
    public static bool IsOpen(ItemState state) => state is not (ItemState.Done or ItemState.Closed);

    /// <summary>States in which a feature sits on the board (SPEC §2: Ready, Sprint, Active have a column).</summary>
    public static bool IsOnBoard(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Stream == WorkStream.Feature && item.State is ItemState.Ready or ItemState.Sprint or ItemState.Active;
    }

    /// <summary>A feature on the board in Build whose success metric is blank.</summary>
    public static bool InBuildWithoutMetric(Item item) =>
        IsOnBoard(item) && item.Feature is { Column: FeatureColumn.Build } f && string.IsNullOrWhiteSpace(f.SuccessMetric);

    /// <summary>Days a feature on the board has been in Discovery (since <c>ColumnSince</c>, else since it was created); null when it is not in Discovery.</summary>
    public static double? DaysInDiscovery(Item item, DateTimeOffset now)
    {
        if (!IsOnBoard(item) || (item.Feature?.Column ?? FeatureColumn.Discovery) != FeatureColumn.Discovery)
        {
            return null;
        }

        var since = item.Feature?.ColumnSince ?? item.CreatedAt;
        return Math.Max(0, (now - since).TotalDays);
    }

    /// <summary>In Discovery for more than <see cref="DiscoveryLimitDays"/> days.</summary>
    public static bool DiscoveryOverdue(Item item, DateTimeOffset now) =>
        DaysInDiscovery(item, now) is > DiscoveryLimitDays;

    /// <summary>An open feature with no capability note, or an open item whose model dependency still needs one.</summary>
    public static bool WaitingForCapabilityNote(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return IsOpen(item.State)
            && (item.NeedsCapabilityNote || (item.Stream == WorkStream.Feature && item.Feature?.CapabilityNote is null));
    }

    /// <summary>When the note was asked for: the recorded request time, else the item's creation.</summary>
    public static DateTimeOffset NoteRequestedAt(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Feature?.CapabilityNoteRequestedAt ?? item.CreatedAt;
    }

    /// <summary>Waiting for a note for at least 2 working days (Monday–Friday in the backlog's zone).</summary>
    public static bool NoteUnanswered(Item item, TimeZoneInfo zone, DateTimeOffset now) =>
        WaitingForCapabilityNote(item) && WorkingDays.HavePassed(NoteRequestedAt(item), NoteReminderWorkingDays, zone, now);

    /// <summary>A feature whose note request is unanswered after 2 working days and was not reminded yet.</summary>
    public static bool NoteReminderDue(Item item, TimeZoneInfo zone, DateTimeOffset now) =>
        item.Stream == WorkStream.Feature
        && NoteUnanswered(item, zone, now)
        && item.Feature is not { CapabilityNoteReminded: true };
}
