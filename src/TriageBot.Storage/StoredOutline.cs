using System.Buffers;
using System.Text;
using System.Text.Json;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Storage;

/// <summary>
/// How both backends store an item's outline (<see cref="ItemOutline"/>) beside the item: one JSON array of the outline's
/// values in a fixed order, the format version first, times as UTC ticks, enums by name, an absent record's values null.
/// <para>
/// A report reads 50,000 of them, usually in a process that has not read any before. An array of values needs no
/// property names matched, no nested objects and no date parsing, so it is read in a fraction of the time of the item —
/// and of an outline object read by the serializer, whose generic code runs unoptimized for the first second of a
/// process. <see cref="Write"/> and <see cref="Read"/> list the values in the same order; change them together, and the
/// version with them.
/// </para>
/// </summary>
internal static class StoredOutline
{
    /// <summary>
    /// What every outline of the current format starts with. An outline that does not (written by a version with another
    /// format) counts as missing: the item is read whole, and SQLite rewrites it on open.
    /// </summary>
    public const string Prefix = "[1,";

    /// <summary>The format this version writes: the first value of every outline (<see cref="Prefix"/> begins with it).</summary>
    public const int Version = 1;

    private static readonly byte[] PrefixUtf8 = Encoding.UTF8.GetBytes(Prefix);

    public static bool IsCurrent(ReadOnlySpan<byte> utf8) => utf8.StartsWith(PrefixUtf8);

    public static bool IsCurrent(string? json) => json is not null && json.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Serialize(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, item);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Item Deserialize(string json, string backlogId) => Deserialize(Encoding.UTF8.GetBytes(json), backlogId);

    public static Item Deserialize(ReadOnlySpan<byte> utf8, string backlogId)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            return Read(ref reader, backlogId);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"A stored item outline of backlog '{backlogId}' cannot be read: {e.Message}", e);
        }
    }

    private static void Write(Utf8JsonWriter w, Item item)
    {
        w.WriteStartArray();
        w.WriteNumberValue(Version);
        w.WriteNumberValue(item.Number);
        w.WriteStringValue(item.Key);
        w.WriteStringValue(item.Title);
        w.WriteStringValue(item.Stream.ToString());
        w.WriteStringValue(item.State.ToString());
        w.WriteNumberValue(item.CreatedAt.UtcTicks);
        w.WriteNumberValue(item.StateSince.UtcTicks);
        w.WriteNumberValue(item.UpdatedAt.UtcTicks);
        w.WriteNumberValue(item.HistoryCount);
        w.WriteNumberValue(item.Round);
        w.WriteBooleanValue(item.RoundRevealed);
        Enum(w, item.HeldPlacement);
        w.WriteStringValue(item.KeepReason);
        w.WriteBooleanValue(item.RescoreRequested);
        w.WriteBooleanValue(item.NeedsCapabilityNote);
        User(w, item.Reporter);
        User(w, item.Owner);

        var model = item.Model;
        Enum(w, model?.Lever);
        w.WriteBooleanValue(model?.EvaluationGatePassed ?? false);
        Timebox(w, model?.Timebox);

        var bug = item.Bug;
        Enum(w, bug?.Frequency);
        Number(w, bug?.AffectedWauPercent);

        var feature = item.Feature;
        Enum(w, feature?.Column);
        Ticks(w, feature?.ColumnSince);
        w.WriteStringValue(feature?.SuccessMetric);
        Ticks(w, feature?.CapabilityNoteRequestedAt);
        w.WriteBooleanValue(feature?.CapabilityNoteReminded ?? false);
        Note(w, feature?.CapabilityNote);

        if (item.Incident is { } incident)
        {
            w.WriteStartArray();
            foreach (var stream in incident.Touches)
            {
                w.WriteStringValue(stream.ToString());
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNullValue();
        }

        var score = item.Score;
        Number(w, score?.Total);
        w.WriteNumberValue(score?.Scores.Impact ?? 0);
        w.WriteNumberValue(score?.Scores.Confidence ?? 0);
        w.WriteNumberValue(score?.Scores.Rollback ?? 0);
        w.WriteNumberValue(score?.Scores.Delay ?? 0);
        Enum(w, score?.Placement);
        w.WriteNumberValue(score?.Round ?? 0);
        User(w, score?.FinalizedBy);
        Ticks(w, score?.At);

        Note(w, item.DependencyNote);
        w.WriteEndArray();
    }

    private static Item Read(ref Utf8JsonReader r, string backlogId)
    {
        Next(ref r, JsonTokenType.StartArray);
        var version = Int(ref r);
        if (version != Version)
        {
            throw new InvalidDataException($"Outline format {version} is not this version's.");
        }

        var number = Int(ref r);
        var key = Text(ref r);
        var title = Text(ref r);
        var stream = Enum<WorkStream>(ref r) ?? throw Missing("stream");
        var state = Enum<ItemState>(ref r) ?? throw Missing("state");
        var created = Utc(Long(ref r));
        var stateSince = Utc(Long(ref r));
        var updated = Utc(Long(ref r));
        var historyCount = Int(ref r);
        var round = Int(ref r);
        var revealed = Bool(ref r);
        var held = Enum<Queue>(ref r);
        var keepReason = String(ref r);
        var rescore = Bool(ref r);
        var needsNote = Bool(ref r);
        var reporter = User(ref r) ?? throw Missing("reporter");
        var owner = User(ref r);

        var lever = Enum<ModelLever>(ref r);
        var gatePassed = Bool(ref r);
        var timebox = Timebox(ref r);

        var frequency = Enum<BugFrequency>(ref r);
        var affectedWau = Double(ref r);

        var column = Enum<FeatureColumn>(ref r);
        var columnSince = Ticks(ref r);
        var metric = String(ref r);
        var noteRequested = Ticks(ref r);
        var noteReminded = Bool(ref r);
        var note = Note(ref r);

        List<WorkStream>? touches = null;
        Next(ref r);
        if (r.TokenType == JsonTokenType.StartArray)
        {
            touches = [];
            while (Enum<WorkStream>(ref r, endOfArray: true) is { } touched)
            {
                touches.Add(touched);
            }
        }

        var total = NullableInt(ref r);
        var impact = Int(ref r);
        var confidence = Int(ref r);
        var rollback = Int(ref r);
        var delay = Int(ref r);
        var placement = Enum<Queue>(ref r);
        var scoreRound = Int(ref r);
        var finalizedBy = User(ref r);
        var scoredAt = Ticks(ref r);

        var dependencyNote = Note(ref r);
        Next(ref r, JsonTokenType.EndArray);

        return new Item
        {
            BacklogId = backlogId,
            Number = number,
            Key = key,
            Title = title,
            Stream = stream,
            State = state,
            CreatedAt = created,
            StateSince = stateSince,
            UpdatedAt = updated,
            HistoryCount = historyCount,
            Round = round,
            RoundRevealed = revealed,
            HeldPlacement = held,
            KeepReason = keepReason,
            RescoreRequested = rescore,
            NeedsCapabilityNote = needsNote,
            Reporter = reporter,
            Owner = owner,
            Model = lever is { } l ? new ModelFields { Lever = l, EvaluationGatePassed = gatePassed, Timebox = timebox } : null,
            Bug = frequency is { } f ? new BugFields { Frequency = f, AffectedWauPercent = affectedWau } : null,
            Feature = column is { } c
                ? new FeatureFields
                {
                    Column = c,
                    ColumnSince = columnSince,
                    SuccessMetric = metric ?? "",
                    CapabilityNoteRequestedAt = noteRequested,
                    CapabilityNoteReminded = noteReminded,
                    CapabilityNote = note,
                }
                : null,
            Incident = touches is null ? null : new IncidentFields { Touches = touches },
            Score = total is { } t
                ? new ItemScore(new Scores(impact, confidence, rollback, delay), System.Collections.ObjectModel.ReadOnlyDictionary<Dimension, string>.Empty, t,
                    placement ?? throw Missing("placement"), scoreRound, finalizedBy ?? throw Missing("finalizer"), scoredAt ?? throw Missing("score time"))
                : null,
            DependencyNote = dependencyNote,
            IsOutline = true,
        };
    }

    // ---- values, written and read in pairs ----

    private static void User(Utf8JsonWriter w, UserRef? user)
    {
        Enum(w, user?.Platform);
        w.WriteStringValue(user?.UserId);
        w.WriteStringValue(user?.DisplayName);
    }

    private static UserRef? User(ref Utf8JsonReader r)
    {
        var platform = Enum<Platform>(ref r);
        var id = String(ref r);
        var name = String(ref r);
        return platform is { } p ? new UserRef(p, id ?? throw Missing("user id"), name ?? "") : null;
    }

    private static void Timebox(Utf8JsonWriter w, Timebox? timebox)
    {
        Number(w, timebox?.LengthDays);
        Ticks(w, timebox?.Start);
        Ticks(w, timebox?.End);
    }

    private static Timebox? Timebox(ref Utf8JsonReader r)
    {
        var days = NullableInt(ref r);
        var start = Ticks(ref r);
        var end = Ticks(ref r);
        return days is { } d ? new Timebox(d, start ?? throw Missing("timebox start"), end ?? throw Missing("timebox end")) : null;
    }

    /// <summary>A capability note without its text (outlines leave it out).</summary>
    private static void Note(Utf8JsonWriter w, CapabilityNote? note)
    {
        Enum(w, note?.Scale);
        User(w, note?.Author);
        Ticks(w, note?.At);
    }

    private static CapabilityNote? Note(ref Utf8JsonReader r)
    {
        var scale = Enum<CapabilityScale>(ref r);
        var author = User(ref r);
        var at = Ticks(ref r);
        return scale is { } s ? new CapabilityNote("", s, author ?? throw Missing("note author"), at ?? throw Missing("note time")) : null;
    }

    private static void Enum<T>(Utf8JsonWriter w, T? value) where T : struct, Enum
    {
        if (value is { } v)
        {
            w.WriteStringValue(v.ToString());
        }
        else
        {
            w.WriteNullValue();
        }
    }

    /// <summary>An enum by name, null for null; with <paramref name="endOfArray"/>, also null at the end of an array.</summary>
    private static T? Enum<T>(ref Utf8JsonReader r, bool endOfArray = false) where T : struct, Enum
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.Null || (endOfArray && r.TokenType == JsonTokenType.EndArray))
        {
            return null;
        }

        // Names are short: decoded on the stack, parsed without a string.
        Span<char> name = stackalloc char[32];
        var length = r.TokenType == JsonTokenType.String && r.ValueSpan.Length <= name.Length ? r.CopyString(name) : throw Missing(typeof(T).Name);
        return System.Enum.Parse<T>(name[..length]);
    }

    private static void Ticks(Utf8JsonWriter w, DateTimeOffset? at)
    {
        if (at is { } t)
        {
            w.WriteNumberValue(t.UtcTicks);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static DateTimeOffset? Ticks(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType == JsonTokenType.Null ? null : Utc(r.GetInt64());
    }

    private static void Number(Utf8JsonWriter w, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumberValue(v);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    /// <summary>An int as a double is written exactly ("5"), and reads back as an int.</summary>
    private static void Number(Utf8JsonWriter w, int? value) => Number(w, (double?)value);

    private static void Next(ref Utf8JsonReader r, JsonTokenType? expected = null)
    {
        if (!r.Read() || (expected is { } e && r.TokenType != e))
        {
            throw new InvalidDataException($"The outline ends early or has {r.TokenType} where {expected} belongs.");
        }
    }

    private static int Int(ref Utf8JsonReader r)
    {
        Next(ref r, JsonTokenType.Number);
        return r.GetInt32();
    }

    private static int? NullableInt(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType == JsonTokenType.Null ? null : r.GetInt32();
    }

    private static long Long(ref Utf8JsonReader r)
    {
        Next(ref r, JsonTokenType.Number);
        return r.GetInt64();
    }

    private static double? Double(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType == JsonTokenType.Null ? null : r.GetDouble();
    }

    private static bool Bool(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.GetBoolean();
    }

    private static string? String(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType == JsonTokenType.Null ? null : r.GetString();
    }

    private static string Text(ref Utf8JsonReader r) => String(ref r) ?? throw Missing("text");

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);

    private static InvalidDataException Missing(string what) => new($"The outline has no {what}.");
}
