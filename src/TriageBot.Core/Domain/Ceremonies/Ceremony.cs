namespace TriageBot.Core.Ceremonies;

/// <summary>The four ceremonies of SPEC §6.</summary>
public enum CeremonyKind { WeeklyStreamReview, TriageClinic, AllocationReview, IceboxSweep }

/// <summary>When a ceremony recurs, evaluated in the backlog's time zone.</summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WeeklyRecurrence), "weekly")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(MonthlyNthWeekdayRecurrence), "monthlyNthWeekday")]
public abstract record Recurrence(TimeOnly TimeOfDay);

/// <summary>On a weekday at a time, every N weeks counted from the week of an anchor date.</summary>
public sealed record WeeklyRecurrence(DayOfWeek Day, TimeOnly TimeOfDay, int EveryWeeks, DateOnly Anchor) : Recurrence(TimeOfDay);

/// <summary>On the Nth weekday of a month (1–4, or -1 for the last), in the listed months (empty = every month).</summary>
public sealed record MonthlyNthWeekdayRecurrence(int N, DayOfWeek Day, TimeOnly TimeOfDay, IReadOnlyList<int> Months) : Recurrence(TimeOfDay);

/// <summary>A ceremony's recurrence and length.</summary>
public sealed record CeremonySchedule(Recurrence Recurrence, int LengthMinutes, bool Enabled = true);
