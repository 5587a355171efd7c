using System.Security.Cryptography;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;

namespace TriageBot.Playground;

/// <summary>What seeding did: the demo backlog and whether it was created now or already there.</summary>
public sealed record SeedResult(Backlog Backlog, bool Created, int Items);

/// <summary>
/// Creates the playground's demo backlog, idempotently: realistic items in every stream and state with about three
/// months of history (so allocation actuals exist), finalized scores, open votes, the sample people with their roles,
/// and both playground channels bound to it. Every change goes through Core's rules with explicit timestamps, so the
/// history is exactly what the bot would have recorded.
/// </summary>
public sealed class DemoSeeder(ITriageStore store, TimeProvider time)
{
    public const string BacklogId = "demo";

    private static readonly UserRef Priya = SamplePeople.Priya.User;
    private static readonly UserRef Arjun = SamplePeople.Arjun.User;
    private static readonly UserRef Mei = SamplePeople.Mei.User;
    private static readonly UserRef Tom = SamplePeople.Tom.User;
    private static readonly UserRef Sofia = SamplePeople.Sofia.User;

    public async Task<SeedResult> SeedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var backlog = new Backlog
        {
            Id = BacklogId,
            Name = "Answer Assistant (demo)",
            KeyPrefix = "TRI",
            TimeZone = "Europe/Berlin",
            CreatedAt = now.AddDays(-100),
            DashboardToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            // Two engineers make the bug WIP limit 2, so the demo shows a breach.
            // A team that holds bugs tight (one active per engineer), so the demo shows a breach and an override.
            Settings = new BacklogSettings { Engineers = 2, BugWipPerEngineer = 1 },
        };

        var created = await store.Backlogs.TryCreateAsync(backlog, ct);
        if (!created)
        {
            backlog = (await store.Backlogs.GetAsync(BacklogId, ct))?.Value
                ?? throw new InvalidOperationException("The demo backlog exists but could not be read back.");
        }

        foreach (var person in SamplePeople.All)
        {
            await store.Members.UpsertAsync(new Member(backlog.Id, person.User, person.Role), ct);
        }

        await BindAsync(PlaygroundChannels.Triage, ChannelRoles.Intake | ChannelRoles.Reports, backlog.Id, ct);
        await BindAsync(PlaygroundChannels.Clinic, ChannelRoles.Clinic, backlog.Id, ct);

        var count = created ? await SeedItemsAsync(backlog, now, ct) : 0;
        return new SeedResult(backlog, created, count);
    }

    private Task BindAsync(string channel, ChannelRoles roles, string backlogId, CancellationToken ct) =>
        store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Playground, Workspace = PlaygroundChannels.Workspace, ChannelId = channel },
            BacklogId = backlogId,
            Roles = roles,
            ChannelName = channel,
        }, ct);

    private async Task<int> SeedItemsAsync(Backlog b, DateTimeOffset now, CancellationToken ct)
    {
        DateTimeOffset Ago(double days) => now.AddDays(-days);
        var s = b.Settings;
        var n = 0;

        async Task<Item> Add(WorkStream stream, string title, UserRef reporter, double createdDaysAgo, Dictionary<string, string> fields,
            params (double DaysAgo, Func<Item, DateTimeOffset, ItemChange> Step)[] steps)
        {
            fields[FieldIds.Title] = title;
            var number = await store.Items.AllocateNumberAsync(b.Id, ct);
            var change = ItemFactory.Create(new NewItemRequest(stream, fields), b, number, reporter, null, Ago(createdDaysAgo));
            var item = change.Item;
            var history = new List<HistoryEntry>(change.History);
            foreach (var (daysAgo, step) in steps)
            {
                var next = step(item, Ago(daysAgo));
                item = next.Item;
                history.AddRange(next.History);
            }

            await store.Writes.WriteAsync(ItemWrite.Created(item, history, reporter, Ago(createdDaysAgo)), ct);
            n++;
            return item;
        }

        ItemChange Score(Item i, DateTimeOffset at, int impact, int confidence, int rollback, int delay, string why)
        {
            var scores = new Scores(impact, confidence, rollback, delay);
            var total = RubricRules.Total(scores);
            var score = new ItemScore(scores, new Dictionary<Dimension, string> { [Dimension.Impact] = why }, total, RubricRules.Place(total, s), i.Round, Priya, at);
            return ScoringRules.ApplyScore(i, score, Priya, at);
        }

        ItemChange Timebox(Item i, DateTimeOffset at, int days) => WorkRules.SetTimebox(i, days, Arjun, at);
        ItemChange Start(Item i, DateTimeOffset at, UserRef by) => WorkRules.Start(i, by, at, [], s);
        // A start over the stream's WIP limit, as a facilitator's override records it (see WorkRules.Start).
        static ItemChange Overriding(ItemChange start, string reason)
        {
            var moved = start.History.First(e => e.Kind == HistoryKind.StateChanged && e.To == nameof(ItemState.Active));
            var entry = moved with { Kind = HistoryKind.FieldChanged, Field = FieldIds.WipOverride, From = "", To = "", Reason = reason };
            return start with
            {
                Item = start.Item with { HistoryCount = start.Item.HistoryCount + 1 },
                History = [.. start.History
                    .SelectMany(e => e == moved ? new[] { entry, e with { Reason = $"WIP override: {reason}" } } : [e])
                    .Select((e, n) => e with { Sequence = start.History[0].Sequence + n })],
            };
        }
        ItemChange Done(Item i, DateTimeOffset at, UserRef by) => WorkRules.Done(i, by, at, evaluationGatePassed: true);
        ItemChange Note(Item i, DateTimeOffset at, string text, CapabilityScale scale = CapabilityScale.DaysFeature) => CapabilityNoteRules.AddCapabilityNote(i, text, scale, Arjun, at);
        ItemChange Move(Item i, DateTimeOffset at, FeatureColumn column) => WorkRules.Move(i, column, Priya, at);

        static Dictionary<string, string> Model(string slice, string lever) => new() { [FieldIds.AffectedSlice] = slice, [FieldIds.Lever] = lever };
        static Dictionary<string, string> Bug(string steps, string frequency, string wau) =>
            new() { [FieldIds.ReproSteps] = steps, [FieldIds.Frequency] = frequency, [FieldIds.AffectedWauPercent] = wau };
        static Dictionary<string, string> Feature(string problem, string metric) =>
            new() { [FieldIds.Problem] = problem, [FieldIds.SuccessMetric] = metric, [FieldIds.RequestedBy] = "Customer advisory board" };
        static Dictionary<string, string> Incident(string touches) => new() { [FieldIds.Touches] = touches };

        // ---- model quality
        await Add(WorkStream.Model, "Refund answers cite the 2022 policy", Tom, 30, Model("Refund and returns questions", "retrieval"),
            (28, (i, t) => Score(i, t, 3, 2, 2, 3, "About 8% of weekly users ask about refunds")),
            (12, (i, t) => Timebox(i, t, 7)),
            (10, (i, t) => Start(i, t, Arjun)));
        await Add(WorkStream.Model, "Evaluate retrieval on German support tickets", Sofia, 45, Model("German-language tickets", "evaluation"),
            (40, (i, t) => Score(i, t, 2, 2, 3, 2, "German tenants are 6% of weekly users")));
        await Add(WorkStream.Model, "Guardrail blocks legitimate medication dosage questions", Mei, 85, Model("Health and pharmacy questions", "guardrail"),
            (83, (i, t) => Score(i, t, 3, 2, 3, 3, "Blocks a core workflow for pharmacy customers")),
            (72, (i, t) => Timebox(i, t, 7)),
            (70, (i, t) => Start(i, t, Arjun)),
            (58, (i, t) => Done(i, t, Arjun)));
        await Add(WorkStream.Model, "Prompt iteration for shorter summaries", Priya, 60, Model("Summaries over 300 words", "prompt"),
            (58, (i, t) => Score(i, t, 2, 3, 3, 2, "Long summaries are the top complaint in feedback")),
            (52, (i, t) => Timebox(i, t, 3)),
            (50, (i, t) => Start(i, t, Arjun)),
            (44, (i, t) => Done(i, t, Arjun)));
        await Add(WorkStream.Model, "Fine-tune tone classifier for escalations", Sofia, 50, Model("Escalation detection", "fineTune"),
            (48, (i, t) => Score(i, t, 1, 1, 1, 1, "Nice to have; the rules catch most escalations")));
        var voted = await Add(WorkStream.Model, "Hallucinated order numbers in tracking answers", Tom, 4, Model("Order tracking questions", "unknown"));

        // ---- engineering bugs
        await Add(WorkStream.Bug, "Streaming answer stops after 2,000 tokens", Mei, 20, Bug("Ask for a long report; the stream ends mid-sentence.", "often", "7"),
            (18, (i, t) => Score(i, t, 3, 3, 3, 2, "7% of weekly users hit the limit")));
        await Add(WorkStream.Bug, "Thumbs-down feedback not recorded on mobile", Sofia, 25, Bug("Tap thumbs-down in the iOS app; no event arrives.", "always", "30"),
            (22, (i, t) => Score(i, t, 2, 3, 3, 2, "Telemetry gap, not user-visible")),
            (5, (i, t) => Start(i, t, Arjun)));
        await Add(WorkStream.Bug, "Citations panel overlaps the input on small screens", Mei, 16, Bug("Open a cited answer on a 360 px wide phone.", "always", "12"),
            (15, (i, t) => Score(i, t, 2, 3, 3, 2, "12% of sessions are on small phones")),
            (6, (i, t) => Start(i, t, Priya)));
        await Add(WorkStream.Bug, "Rate-limit errors shown as a generic failure", Tom, 14, Bug("Send 30 questions in a minute.", "sometimes", "3"),
            (13, (i, t) => Score(i, t, 2, 3, 3, 3, "Support tickets every day")),
            (3, (i, t) => Overriding(Start(i, t, Arjun), "Support gets tickets about it every day; worth going over the bug limit for a week.")));
        await Add(WorkStream.Bug, "p95 latency regression on /chat after the model upgrade", Arjun, 75, Bug("Compare p95 before and after the upgrade.", "always", "100"),
            (74, (i, t) => Score(i, t, 3, 2, 2, 3, "Every user waits 2 s longer")),
            (70, (i, t) => Start(i, t, Arjun)),
            (62, (i, t) => Done(i, t, Arjun)));
        await Add(WorkStream.Bug, "Export to PDF loses code blocks", Mei, 35, Bug("Export an answer with a code block.", "sometimes", "2"),
            (33, (i, t) => Score(i, t, 2, 2, 2, 2, "Developers export answers weekly")));
        await Add(WorkStream.Bug, "Telemetry gap: no trace id on retried requests", Arjun, 26, Bug("Force a retry; compare trace ids.", "often", ""),
            (24, (i, t) => Score(i, t, 2, 3, 2, 1, "Slows down every incident investigation")));
        await Add(WorkStream.Bug, "Typo in the onboarding tooltip", Tom, 55, Bug("Open onboarding step 3.", "always", "1"),
            (53, (i, t) => Score(i, t, 1, 1, 2, 1, "Cosmetic")));
        await Add(WorkStream.Bug, "Dark mode contrast on citation links", Mei, 95, Bug("Switch to dark mode; citations are hard to read.", "always", "4"),
            (94, (i, t) => Score(i, t, 1, 2, 1, 1, "Small segment uses dark mode")));
        await Add(WorkStream.Bug, "Session expires during long answers", Sofia, 2, Bug("Ask a question that takes over 60 s.", "rarely", "1"));
        await Add(WorkStream.Bug, "Attachments over 10 MB fail silently", Tom, 65, Bug("Attach a 12 MB PDF.", "sometimes", "2"),
            (63, (i, t) => Score(i, t, 2, 2, 2, 2, "Enterprise customers attach large files")),
            (40, (i, t) => WorkRules.Close(i, "Fixed by the upload service team's limit change; nothing left for us to do.", Priya, t)));

        // ---- feature requests
        await Add(WorkStream.Feature, "Summarise long Slack threads", Priya, 22, Feature("Threads over 50 replies are unreadable.", "30% of summarised threads get a thumbs-up"),
            (21, (i, t) => Note(i, t, "Uses the existing summarisation prompt with a longer context window; no new model capability.")),
            (20, (i, t) => Score(i, t, 3, 2, 2, 3, "Requested by 4 of the 5 largest customers")));
        await Add(WorkStream.Feature, "Team glossary that answers use", Mei, 38, Feature("Answers use generic words for team-specific terms.", "Glossary terms appear in 90% of relevant answers"),
            (37, (i, t) => Note(i, t, "Needs retrieval over a new glossary index and an evaluation set for term usage.", CapabilityScale.WeeksCapability)),
            (36, (i, t) => Score(i, t, 2, 2, 3, 2, "Asked for in 9 customer calls")));
        await Add(WorkStream.Feature, "Voice input on mobile", Tom, 18, Feature("Field workers cannot type on the go.", "10% of mobile questions by voice within a month"),
            (16, (i, t) => Score(i, t, 2, 2, 2, 2, "Field-service segment, about 6% of weekly users")));
        await Add(WorkStream.Feature, "Answer in the user's language automatically", Sofia, 70, Feature("Users must ask for a translation.", "Language mismatch complaints drop by 80%"),
            (68, (i, t) => Note(i, t, "The model already detects language; needs an evaluation set per language before launch.")),
            (66, (i, t) => Score(i, t, 3, 2, 3, 2, "Every non-English tenant")),
            (40, (i, t) => Start(i, t, Arjun)),
            (35, (i, t) => Move(i, t, FeatureColumn.Build)));
        await Add(WorkStream.Feature, "Weekly digest email", Priya, 88, Feature("Managers want a summary without opening the app.", "25% open rate after 4 weeks"),
            (86, (i, t) => Note(i, t, "No model work: reuses the summaries we already store.")),
            (85, (i, t) => Score(i, t, 2, 3, 3, 3, "Top request from managers")),
            (80, (i, t) => Start(i, t, Arjun)),
            (75, (i, t) => Move(i, t, FeatureColumn.Build)),
            (60, (i, t) => Move(i, t, FeatureColumn.Measure)),
            (50, (i, t) => Done(i, t, Priya)));
        await Add(WorkStream.Feature, "Custom colour themes per workspace", Mei, 58, Feature("Brands want their colours.", "5 enterprise workspaces set a theme"),
            (56, (i, t) => Score(i, t, 1, 2, 1, 1, "Cosmetic; no churn risk")));
        await Add(WorkStream.Feature, "Connect Confluence as an answer source", Arjun, 1, Feature("Half of our customers keep docs in Confluence.", "20% of answers cite Confluence pages"));

        // ---- incident lane
        await Add(WorkStream.Incident, "Wrong prices quoted after the catalogue sync", Tom, 3, Incident("model, bug"),
            (3, (i, t) => Start(i, t.AddHours(2), Priya)));
        await Add(WorkStream.Incident, "Retrieval index stale for EU tenants", Arjun, 40, Incident("model, bug"),
            (40, (i, t) => Start(i, t.AddHours(1), Arjun)),
            (36, (i, t) => Done(i, t, Arjun)));
        await Add(WorkStream.Incident, "Support bot answers in English to French users", Sofia, 1, Incident("model, feature"));

        // Two people already voted on the newest model item; the votes stay hidden until the facilitator reveals them.
        await store.Votes.UpsertAsync(VotingRules.Cast(voted, Tom, new Scores(3, 1, 2, 3), new Dictionary<Dimension, string> { [Dimension.Impact] = "Every tracking question" }, Ago(1)), ct);
        await store.Votes.UpsertAsync(VotingRules.Cast(voted, Sofia, new Scores(2, 1, 2, 2), null, Ago(0.5)), ct);
        return n;
    }
}
