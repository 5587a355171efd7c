using TriageBot.Core.Backlogs;

namespace TriageBot.Core.Items;

/// <summary>An intake submission: the stream and the raw form values by <see cref="FieldIds"/> id.</summary>
public sealed record NewItemRequest(WorkStream Stream, IReadOnlyDictionary<string, string> Values);

/// <summary>The result of a state change: the new snapshot and the history entries that record it (append them; never rewrite old ones).</summary>
public sealed record ItemChange(Item Item, IReadOnlyList<HistoryEntry> History)
{
    /// <summary>False when the request changed nothing (e.g. a double-clicked button); there is nothing to save.</summary>
    public bool Changed => History.Count > 0;
}

/// <summary>Creates items from intake submissions (SPEC §2).</summary>
public static class ItemFactory
{
    /// <summary>
    /// A new item in state New with key <c>{prefix}-{number}</c> and a <see cref="HistoryKind.Created"/> entry.
    /// Features start in Discovery with their capability note requested now. Throws <see cref="ValidationException"/>
    /// carrying every field error.
    /// </summary>
    public static ItemChange Create(NewItemRequest request, Backlog backlog, int number, UserRef reporter, MessageSource? source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backlog);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        if (!Enum.IsDefined(request.Stream))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Stream, "Unknown stream.");
        }

        var errors = ItemValidation.Validate(request.Stream, request.Values);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        string V(string id) => InputText.Clean(request.Values.GetValueOrDefault(id));

        var item = new Item
        {
            BacklogId = backlog.Id,
            Number = number,
            Key = $"{backlog.KeyPrefix}-{number}",
            Title = V(FieldIds.Title),
            Description = V(FieldIds.Description),
            Stream = request.Stream,
            Reporter = reporter,
            Source = source,
            CreatedAt = now,
            State = ItemState.New,
            StateSince = now,
            UpdatedAt = now,
            Links = ItemValidation.ParseLinks(V(FieldIds.Link)),
            ImpactEvidence = V(FieldIds.ImpactEvidence),
            Model = request.Stream == WorkStream.Model
                ? new ModelFields
                {
                    AffectedSlice = V(FieldIds.AffectedSlice),
                    Examples = V(FieldIds.Examples),
                    Lever = ItemValidation.ParseLever(V(FieldIds.Lever)),
                    QualityFlag = V(FieldIds.QualityFlag),
                }
                : null,
            Bug = request.Stream == WorkStream.Bug
                ? new BugFields
                {
                    ReproSteps = V(FieldIds.ReproSteps),
                    Expected = V(FieldIds.Expected),
                    Actual = V(FieldIds.Actual),
                    Frequency = ItemValidation.ParseFrequency(V(FieldIds.Frequency)),
                    AffectedWauPercent = ItemValidation.ParsePercent(V(FieldIds.AffectedWauPercent)),
                }
                : null,
            Feature = request.Stream == WorkStream.Feature
                ? new FeatureFields
                {
                    Problem = V(FieldIds.Problem),
                    RequestedBy = V(FieldIds.RequestedBy),
                    SuccessMetric = V(FieldIds.SuccessMetric),
                    CapabilityNoteRequestedAt = now,
                    Column = FeatureColumn.Discovery,
                    ColumnSince = now,
                }
                : null,
            Incident = request.Stream == WorkStream.Incident
                ? new IncidentFields { Touches = ItemValidation.ParseTouches(V(FieldIds.Touches)) }
                : null,
            HistoryCount = 1,
        };

        return new ItemChange(item, [CreatedEntry(item)]);
    }

    /// <summary>The history entry that records <paramref name="item"/> being reported: the same for the same item, so writing it again adds nothing.</summary>
    public static HistoryEntry CreatedEntry(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new HistoryEntry
        {
            BacklogId = item.BacklogId,
            ItemNumber = item.Number,
            Stream = item.Stream,
            At = item.CreatedAt,
            Sequence = 0,
            Actor = item.Reporter,
            Kind = HistoryKind.Created,
            Field = FieldIds.State,
            To = nameof(ItemState.New),
            Reason = item.Source is null ? null : $"reported from a {item.Source.Platform} message",
        };
    }
}
