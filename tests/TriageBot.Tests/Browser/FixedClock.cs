namespace TriageBot.Tests.Browser;

/// <summary>
/// A clock stopped at one instant for what the pages say ("3 days active", dates), while timers and timestamps still
/// run on real time so the host's background work keeps going. Makes screenshots comparable run to run.
/// </summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
