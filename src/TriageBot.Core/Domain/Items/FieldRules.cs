using System.Globalization;
using static TriageBot.Core.Items.RuleSupport;

namespace TriageBot.Core.Items;

/// <summary>Item fields as pure functions: owner, success metric and every intake field, with their form values.</summary>
public static class FieldRules
{
    /// <summary>Sets or clears the owner.</summary>
    public static ItemChange SetOwner(Item item, UserRef? owner, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "reassigned");
        if (item.Owner?.Key == owner?.Key)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { Owner = owner };
        c.Add(HistoryKind.OwnerChanged, FieldIds.Owner, item.Owner?.Key, owner?.Key);
        return c.Result();
    }

    /// <summary>Sets a feature's success metric (at most 3,000 characters). It cannot be cleared while the feature is in Build or Measure.</summary>
    public static ItemChange SetSuccessMetric(Item item, string text, UserRef by, DateTimeOffset now) =>
        EditField(item, FieldIds.SuccessMetric, text, by, now);

    /// <summary>Edits one intake field with the intake rules (<see cref="ItemValidation.ValidateField"/>). The stream cannot change.</summary>
    public static ItemChange EditField(Item item, string fieldId, string? value, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fieldId);
        RequireOpen(item, "edited");
        if (!FieldIds.ForStream(item.Stream).Contains(fieldId))
        {
            throw new RuleViolationException($"{item.Key} is a {ItemValidation.StreamName(item.Stream)} item: it has no field \"{fieldId}\" to edit.");
        }

        var errors = ItemValidation.ValidateField(item.Stream, fieldId, value);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var text = InputText.Clean(value);
        if (fieldId == FieldIds.SuccessMetric && text.Length == 0
            && item.Feature?.Column is FeatureColumn.Build or FeatureColumn.Measure
            && item.State is ItemState.Ready or ItemState.Sprint or ItemState.Active)
        {
            throw new RuleViolationException($"{item.Key} is in {item.Feature.Column}: a feature there keeps its success metric.");
        }

        var before = FieldValue(item, fieldId);
        var updated = WithField(item, fieldId, text);
        var after = FieldValue(updated, fieldId);
        if (before == after)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = updated;
        c.Add(HistoryKind.FieldChanged, fieldId, before, after);
        return c.Result();
    }

    /// <summary>A field's current value as the form shows it (the inverse of an edit).</summary>
    public static string FieldValue(Item item, string fieldId)
    {
        ArgumentNullException.ThrowIfNull(item);
        return fieldId switch
        {
            FieldIds.Title => item.Title,
            FieldIds.Description => item.Description,
            FieldIds.ImpactEvidence => item.ImpactEvidence,
            FieldIds.Link => string.Join(" ", item.Links),
            FieldIds.AffectedSlice => item.Model?.AffectedSlice ?? "",
            FieldIds.Examples => item.Model?.Examples ?? "",
            FieldIds.Lever => item.Model is null ? "" : ItemValidation.ValueOf(item.Model.Lever),
            FieldIds.QualityFlag => item.Model?.QualityFlag ?? "",
            FieldIds.ReproSteps => item.Bug?.ReproSteps ?? "",
            FieldIds.Expected => item.Bug?.Expected ?? "",
            FieldIds.Actual => item.Bug?.Actual ?? "",
            FieldIds.Frequency => item.Bug is null ? "" : ItemValidation.ValueOf(item.Bug.Frequency),
            FieldIds.AffectedWauPercent => item.Bug?.AffectedWauPercent?.ToString(CultureInfo.InvariantCulture) ?? "",
            FieldIds.Problem => item.Feature?.Problem ?? "",
            FieldIds.RequestedBy => item.Feature?.RequestedBy ?? "",
            FieldIds.SuccessMetric => item.Feature?.SuccessMetric ?? "",
            FieldIds.Touches => item.Incident is null ? "" : ItemValidation.ValueOf(item.Incident.Touches),
            _ => throw new ArgumentException($"Unknown item field \"{fieldId}\".", nameof(fieldId)),
        };
    }

    /// <summary>Every intake field of the item's stream with its current value: prefills an edit form.</summary>
    public static IReadOnlyDictionary<string, string> FormValues(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return FieldIds.ForStream(item.Stream).ToDictionary(id => id, id => FieldValue(item, id), StringComparer.Ordinal);
    }

    private static Item WithField(Item item, string id, string text) => id switch
    {
        FieldIds.Title => item with { Title = text },
        FieldIds.Description => item with { Description = text },
        FieldIds.ImpactEvidence => item with { ImpactEvidence = text },
        FieldIds.Link => item with { Links = ItemValidation.ParseLinks(text) },
        FieldIds.AffectedSlice => item with { Model = Model(item) with { AffectedSlice = text } },
        FieldIds.Examples => item with { Model = Model(item) with { Examples = text } },
        FieldIds.Lever => item with { Model = Model(item) with { Lever = ItemValidation.ParseLever(text) } },
        FieldIds.QualityFlag => item with { Model = Model(item) with { QualityFlag = text } },
        FieldIds.ReproSteps => item with { Bug = Bug(item) with { ReproSteps = text } },
        FieldIds.Expected => item with { Bug = Bug(item) with { Expected = text } },
        FieldIds.Actual => item with { Bug = Bug(item) with { Actual = text } },
        FieldIds.Frequency => item with { Bug = Bug(item) with { Frequency = ItemValidation.ParseFrequency(text) } },
        FieldIds.AffectedWauPercent => item with { Bug = Bug(item) with { AffectedWauPercent = ItemValidation.ParsePercent(text) } },
        FieldIds.Problem => item with { Feature = Feature(item) with { Problem = text } },
        FieldIds.RequestedBy => item with { Feature = Feature(item) with { RequestedBy = text } },
        FieldIds.SuccessMetric => item with { Feature = Feature(item) with { SuccessMetric = text } },
        FieldIds.Touches => item with { Incident = (item.Incident ?? new IncidentFields()) with { Touches = ItemValidation.ParseTouches(text) } },
        _ => throw new ArgumentException($"Unknown item field \"{id}\".", nameof(id)),
    };

    private static ModelFields Model(Item item) => item.Model ?? new ModelFields();

    private static BugFields Bug(Item item) => item.Bug ?? new BugFields();

    private static FeatureFields Feature(Item item) => item.Feature ?? new FeatureFields();
}
