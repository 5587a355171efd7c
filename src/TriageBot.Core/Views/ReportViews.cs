using System.Globalization;
using TriageBot.Core.Allocation;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Streams;
using TriageBot.Core.Views;

namespace TriageBot.Core.Reports;

/// <summary>
/// Maps each report (a domain fact) to the semantic <see cref="ReportView"/> every channel renders. Pure: no clock, no storage.
/// Lives with the views; keeps the <c>Reports</c> namespace so callers need no change.
/// </summary>
public static class ReportViews
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static ReportView Weekly(WeeklyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = report.At;
        return new ReportView(Wording.Ceremony(CeremonyKind.WeeklyStreamReview),
        [
            ModelSection(report, now),
            BugSection(report, now),
            FeatureSection(report, now),
            IncidentSection(report),
            HoldingTheLineViews.Overrides(report.WipOverrides, now),
            HoldingTheLineViews.CautiousLane(report.CautiousLane.Shown, report.CautiousLane.More, now, "in the sprint or in progress"),
        ])
        {
            Subtitle = $"As of {Format(now)}",
        };
    }

    /// <summary>
    /// Most items the kickoff lists per section. Every agenda item still gets its ballot in the thread; the kickoff is one
    /// message (and one outbox row: an Azure table entity holds at most ~450,000 characters), so a busy fortnight must not
    /// make it unbounded.
    /// </summary>
    public const int AgendaLinesPerSection = 50;

    public static ReportView Agenda(ClinicAgenda agenda)
    {
        ArgumentNullException.ThrowIfNull(agenda);
        var now = agenda.At;
        var stillNew = ItemLines(agenda.StillNew.Take(AgendaLinesPerSection), now, a => $"{a.Item.Key} {a.Item.Title} · {Wording.Stream(a.Item.Stream)}, reported {Date(a.Item.CreatedAt)}"
            + (a.Item.CreatedAt < agenda.Since ? string.Create(Invariant, $" · New for {(int)(now - a.Item.CreatedAt).TotalDays} days") : ""),
            "No item is waiting for its first score.");
        var sections = new List<ReportSection>
        {
            new("Still New, oldest first", WithMoreBallots(stillNew, agenda.StillNew.Count - AgendaLinesPerSection)),
            new(agenda.ReadyTop.Count == 0 ? "Ready queue" : $"Top {agenda.ReadyTop.Count} of the ready queue ({agenda.ReadyCount} in all)", ItemLines(agenda.ReadyTop, now,
                a => $"{a.Item.Key} {a.Item.Title} · total {Total(a.Item)}{(a.DueForRescore ? " · due for re-scoring" : "")}",
                "The ready queue is empty.")),
        };
        if (agenda.RescoreRequested.Count > 0)
        {
            sections.Add(new("Re-scoring requested", WithMoreBallots(
                ItemLines(agenda.RescoreRequested.Take(AgendaLinesPerSection), now, a => $"{a.Item.Key} {a.Item.Title} · total {Total(a.Item)}", ""),
                agenda.RescoreRequested.Count - AgendaLinesPerSection)));
        }

        var due = ItemLines(agenda.DueForRescore.Shown, now, a => $"{a.Item.Key} {a.Item.Title} · {a.Item.State}, last scored {Date(ReportItems.LastScored(a.Item))}", "No other item is due for re-scoring.");
        if (agenda.DueForRescore.More > 0)
        {
            due.Add(new($"…and {agenda.DueForRescore.More} more due for re-scoring, on a later agenda (oldest score first)."));
        }

        sections.Add(new("Due for re-scoring (not scored for 2 months)", due));
        return new ReportView("Triage clinic agenda", sections) { Subtitle = "Every item still New, oldest first, then the ready queue by rank" };
    }

    /// <summary>The kickoff lists at most <see cref="AgendaLinesPerSection"/> per section; the rest are named by count, and each has its ballot.</summary>
    private static List<ReportLine> WithMoreBallots(List<ReportLine> lines, int more)
    {
        if (more > 0)
        {
            lines.Add(new(string.Create(Invariant, $"…and {more} more, each with its ballot in this thread.")));
        }

        return lines;
    }

    public static ReportView Allocation(AllocationReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var window = $"last {review.Sprints} sprints of {review.SprintLengthDays} days, {Date(review.Window.Start)} – {Date(review.Window.End)}";
        var lines = new List<ReportLine>();
        if (review.PlannedStreamDays <= 0)
        {
            lines.Add(new("No model, bug or feature work was active in this period, so there is no actual share to compare."));
        }

        foreach (var s in review.Streams)
        {
            var actual = s.Actual is { } a
                ? string.Create(Invariant, $"actual {a:0}% ({Plural.Of((int)Math.Round(s.Days), "day")} of work, {Signed(s.Deviation!.Value)} points)")
                : "actual —";
            lines.Add(new($"{StreamName(s.Stream)}: planned {s.Planned}%, {actual}{(s.OffPlan ? $": off plan by more than {AllocationPlan.DeviationLimitPoints} points" : "")}", Problem: s.OffPlan));
            if (s.PlannedOutsideRecommended)
            {
                lines.Add(new($"{StreamName(s.Stream)}: the planned {s.Planned}% is outside the recommended {s.Recommended} for a {review.Stage.ToString().ToLowerInvariant()} product.", Problem: true));
            }
        }

        var sections = new List<ReportSection>
        {
            new("Planned vs actual", lines),
            new(Wording.StreamHeading(WorkStream.Incident), [new(review.IncidentSharePercent is { } share
                ? string.Create(Invariant, $"{Plural.Of((int)Math.Round(review.IncidentDays), "day")} of incident work, {share:0}% of all days of work (reported here, not counted in the shares above).")
                : "No incident work in this period.")]),
        };
        if (review.UnderrunQuestion is { } question)
        {
            sections.Add(new("Question for the team", [new(question, Problem: true)]));
        }

        if (review.PostLaunch is { } launch)
        {
            var advice = new List<ReportLine>
            {
                new($"Launched {launch.LaunchDate:d MMM yyyy}: until {launch.Until:d MMM yyyy}, reserve {launch.ReserveMin}–{launch.ReserveMax}% of capacity for the post-launch tail."),
            };
            if (launch.FeatureExceedsRoom)
            {
                advice.Add(new(string.Create(Invariant,
                    $"Feature work ({(launch.FeatureShareIsActual ? "actual" : "planned")} {launch.FeatureShare:0}%) exceeds the {launch.FeatureRoom}% left after the {launch.ReserveMin}% tail reserve and the planned model and bug shares."), Problem: true));
            }

            sections.Add(new("Post-launch tail", advice));
        }

        sections.Add(HoldingTheLineViews.CautiousLane(review.CautiousLane, 0, review.At, "in progress"));
        if (review is { NextMonth: { } month, NextMonthPlan: { } plan })
        {
            var planLines = new List<ReportLine> { new($"Model {plan.Model}%, bug {plan.Bug}%, feature {plan.Feature}%. Facilitators change it with `allocation`.") };
            planLines.AddRange(AllocationPlan.Warnings(plan, review.Stage).Select(w => new ReportLine(w, Problem: true)));
            sections.Add(new($"Allocation in force for {month.ToString("MMMM yyyy", Invariant)}", planLines));
        }

        return new ReportView(Wording.Ceremony(CeremonyKind.AllocationReview), sections) { Subtitle = $"Planned vs actual, {window}" };
    }

    /// <summary>The icebox sweep as posted: one "Decide…" per item (<see cref="SweepViews"/>).</summary>
    public static ReportView Sweep(IceboxSweep sweep) => SweepViews.Posted(sweep);

    /// <summary>The reminder posted before a ceremony. <paramref name="startsAt"/> should carry the backlog zone's offset.</summary>
    public static ReportView Reminder(CeremonyKind kind, DateTimeOffset startsAt, int lengthMinutes)
    {
        var name = Wording.Ceremony(kind);
        return new ReportView($"Reminder: {name} at {startsAt.ToString("HH:mm", Invariant)}",
        [
            new(name, [new($"Starts {Format(startsAt)} and runs for {Plural.Of(lengthMinutes, "minute")}.")]),
        ]);
    }

    private static ReportSection ModelSection(WeeklyReport report, DateTimeOffset now)
    {
        var m = report.Model;
        var lines = new List<ReportLine>();
        lines.AddRange(WithMore(m.ExpiredTimeboxes.Shown.Select(i => new ReportLine(
            $"{i.Key} {i.Title}: timebox ended {Date(i.Model!.Timebox!.End)}; re-scope, close or mark done.", ItemSummaries.Of(i, now), true)).ToList(), m.ExpiredTimeboxes.More));
        lines.AddRange(WithMore(m.SilentExtensions.Shown.Select(x => new ReportLine(
            $"{x.Item.Key} {x.Item.Title}: timebox extended from {Date(x.Extension.PreviousEnd ?? x.Extension.NewEnd)} to {Date(x.Extension.NewEnd)} by {x.Extension.Actor.DisplayName} without a re-scope reason.",
            ItemSummaries.Of(x.Item, now), true)).ToList(), m.SilentExtensions.More));
        return StreamSection(report, WorkStream.Model, lines, "no timebox past its end, none extended without a reason");
    }

    private static ReportSection BugSection(WeeklyReport report, DateTimeOffset now)
    {
        var b = report.Bug;
        var lines = new List<ReportLine>();
        if (b.OldestOpen is { } oldest)
        {
            lines.Add(new(string.Create(Invariant, $"{oldest.Item.Key} {oldest.Item.Title}: the oldest open bug, {oldest.Days:0} days old."), ItemSummaries.Of(oldest.Item, now)));
        }


        var section = StreamSection(report, WorkStream.Bug, lines, "no open bugs");

        // The inflow is always shown: 0 against 0 is information too.
        return section with { Lines = [.. section.Lines, new($"Inflow: {b.ReportedLast7Days} reported in the last 7 days, {b.ReportedPrevious7Days} in the 7 days before.")] };
    }

    private static ReportSection FeatureSection(WeeklyReport report, DateTimeOffset now)
    {
        var f = report.Feature;
        var lines = new List<ReportLine>();
        lines.AddRange(WithMore(f.InBuildWithoutMetric.Shown.Select(i => new ReportLine(
            $"{i.Key} {i.Title}: in Build without a success metric.", ItemSummaries.Of(i, now), true)).ToList(), f.InBuildWithoutMetric.More));
        lines.AddRange(WithMore(f.LongInDiscovery.Shown.Select(a => new ReportLine(
            string.Create(Invariant, $"{a.Item.Key} {a.Item.Title}: in Discovery for {Math.Floor(a.Days):0} days."), ItemSummaries.Of(a.Item, now), true)).ToList(), f.LongInDiscovery.More));
        lines.AddRange(WithMore(f.WaitingForNote.Shown.Select(w => new ReportLine(
            $"{w.Item.Key} {w.Item.Title}: waiting for a capability note since {Date(w.RequestedAt)}{(w.Unanswered ? ", unanswered for more than 2 working days" : "")}.",
            ItemSummaries.Of(w.Item, now), w.Unanswered)).ToList(), f.WaitingForNote.More));
        return StreamSection(report, WorkStream.Feature, lines, "nothing in Build without a metric, nothing in Discovery over 10 days, no capability note missing");
    }

    private static ReportSection IncidentSection(WeeklyReport report)
    {
        var i = report.Incident;
        var lines = new List<ReportLine>();
        var share = i.Load.ThisWeek.SharePercent;
        if (i.Active > 0 || share > 0)
        {
            lines.Add(new(string.Create(Invariant, $"This week's share of capacity: {share:0}%.")));
        }

        if (i.Load.RebalanceAlert)
        {
            var weeks = string.Join(", ", i.Load.Weeks.Select(w => string.Create(Invariant, $"{w.SharePercent:0}%")));
            lines.Add(new($"Incident work was above {IncidentShare.ThresholdPercent:0}% of capacity {IncidentShare.ConsecutiveWeeks} weeks in a row ({weeks}): rebalance the streams.", Problem: true));
        }

        return StreamSection(report, WorkStream.Incident, lines, "no active incidents, no incident work this week");
    }

    private static ReportSection StreamSection(WeeklyReport report, WorkStream stream, List<ReportLine> findings, string nothing)
    {
        var wip = report.Wip.First(w => w.Stream == stream);
        var limitWord = stream == WorkStream.Incident ? "cap" : "WIP limit";
        var wipText = $"{wip.Active} active of a {limitWord} of {wip.Limit}";
        if (findings.Count == 0 && !wip.Breached)
        {
            return new(StreamName(stream), [new($"Nothing to report: {wipText}; {nothing}.")]);
        }

        var lines = new List<ReportLine>
        {
            new(wip.Breached ? $"{wipText}: over the limit." : $"{wipText}.", Problem: wip.Breached),
        };
        lines.AddRange(findings);
        return new(StreamName(stream), lines);
    }

    private static List<ReportLine> ItemLines(IEnumerable<AgendaItem> items, DateTimeOffset now, Func<AgendaItem, string> text, string empty)
    {
        var lines = items.Select(a => new ReportLine(text(a), ItemSummaries.Of(a.Item, now), a.DueForRescore)).ToList();
        if (lines.Count == 0 && empty.Length > 0)
        {
            lines.Add(new(empty));
        }

        return lines;
    }

    private static List<ReportLine> WithMore(List<ReportLine> lines, int more)
    {
        if (more > 0)
        {
            lines.Add(new($"…and {more} more."));
        }

        return lines;
    }

    internal static string StreamName(WorkStream stream) => Wording.StreamHeading(stream);

    private static string Total(Item item) => item.Score is { } s ? s.Total.ToString(Invariant) : "unscored";

    private static string Signed(double value) => value.ToString("+0;−0;0", Invariant);

    private static string Date(DateTimeOffset at) => at.ToString("ddd d MMM yyyy", Invariant);

    private static string Format(DateTimeOffset at) => at.ToString("ddd d MMM yyyy, HH:mm", Invariant);
}
