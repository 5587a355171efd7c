namespace TriageBot.Core.Ceremonies;

/// <summary>Turns a wall-clock time in a zone into one instant, with fixed rules for daylight-saving gaps and overlaps.</summary>
public static class ZoneClock
{
    /// <summary>
    /// The instant a local wall time names. A time inside a spring-forward gap is moved forward by the
    /// length of the gap (02:30 becomes 03:30 when clocks jump 02:00 → 03:00), as RFC 5545 reads it: the
    /// offset in force before the gap is used. A time repeated by a fall-back happens at its first,
    /// daylight instance. Either way the wall time names exactly one instant.
    /// </summary>
    public static DateTimeOffset Resolve(DateTime localTime, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = DateTime.SpecifyKind(localTime, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var utc = DateTime.SpecifyKind(local - OffsetBeforeGap(local, zone), DateTimeKind.Utc);
            return TimeZoneInfo.ConvertTime(new DateTimeOffset(utc), zone);
        }

        if (zone.IsAmbiguousTime(local))
        {
            // The larger offset is the earlier instant: the first time the wall clock shows this time.
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The same instant, expressed with the zone's offset at that instant.</summary>
    public static DateTimeOffset InZone(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return TimeZoneInfo.ConvertTime(instant, zone);
    }

    /// <summary>The calendar date in the zone at an instant.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(InZone(instant, zone).DateTime);

    private static TimeSpan OffsetBeforeGap(DateTime local, TimeZoneInfo zone)
    {
        // Gaps are at most a few hours long; step back until the wall clock is valid again.
        for (var minutes = 15; minutes <= 48 * 60; minutes += 15)
        {
            var candidate = local.AddMinutes(-minutes);
            if (!zone.IsInvalidTime(candidate) && !zone.IsAmbiguousTime(candidate))
            {
                return zone.GetUtcOffset(candidate);
            }
        }

        return zone.BaseUtcOffset;
    }
}
