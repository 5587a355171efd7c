using System.Diagnostics.CodeAnalysis;

namespace TriageBot.Core.Ceremonies;

/// <summary>Checks and loads a backlog's IANA time-zone id, with a message that says what is expected.</summary>
public static class IanaZone
{
    private const string Expected =
        "Expected an IANA time-zone id such as 'Europe/Berlin', 'America/New_York' or 'UTC' " +
        "(the 'TZ identifier' column of https://en.wikipedia.org/wiki/List_of_tz_database_time_zones).";

    /// <summary>True and the zone when <paramref name="id"/> is a known IANA id; otherwise false and a message saying what is wrong and what is expected.</summary>
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out string? error)
    {
        zone = null;
        var trimmed = id?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = $"The time zone is empty. {Expected}";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(trimmed);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"'{trimmed}' is not a time zone this server knows. {Expected}";
            return false;
        }

        // Linux also resolves Windows names; they are refused so the stored id means the same everywhere.
        if (!zone.HasIanaId)
        {
            zone = null;
            error = TimeZoneInfo.TryConvertWindowsIdToIanaId(trimmed, out var iana)
                ? $"'{trimmed}' is a Windows time-zone name; use its IANA id '{iana}' instead. {Expected}"
                : $"'{trimmed}' is not an IANA time-zone id. {Expected}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The zone for an IANA id; <see cref="ArgumentException"/> with the reason and what is expected otherwise.</summary>
    public static TimeZoneInfo Find(string? id) =>
        TryFind(id, out var zone, out var error) ? zone : throw new ArgumentException(error, nameof(id));

    /// <summary>Null when the id is a valid IANA zone; otherwise the message to show.</summary>
    public static string? Validate(string? id) => TryFind(id, out _, out var error) ? null : error;
}
