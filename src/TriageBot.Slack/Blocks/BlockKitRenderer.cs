using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;

namespace TriageBot.Slack.Blocks;

/// <summary>
/// Renders every Core <see cref="View"/> as a Slack message (Block Kit). Pure: the same view always gives the
/// same JSON. People's text is escaped; limits are respected by <see cref="MessageComposer"/>.
/// </summary>
public static class BlockKitRenderer
{
    /// <summary>How many item lines a list or report section shows before "… and N more".</summary>
    public const int MaxListLines = 40;

    public static SlackMessage Render(View view) => view switch
    {
        TextView v => RenderText(v),
        HelpView v => RenderHelp(v),
        RubricView v => RenderRubric(v),
        ItemCardView v => RenderCard(v),
        ItemListView v => RenderList(v),
        ItemCreatedView v => RenderCreated(v),
        CapabilityNoteRequestView v => RenderNoteRequest(v),
        BallotView v => RenderBallot(v),
        WelcomeView v => RenderWelcome(v),
        FormView v => RenderFormAsMessage(v),
        ReportView v => ReportBlocks.Render(v),
        HomeView v => new SlackMessage(SlackText.EscapeAndTruncate("Your triage home", BlockLimits.FallbackText), HomeRenderer.Blocks(v, BlockLimits.MessageBlocks, BlockLimits.MessageTextBudget)),
        _ => throw new NotSupportedException($"No Slack rendering for view type {view.GetType().Name}; add one to {nameof(BlockKitRenderer)}."),
    };

    private static string ToneIcon(Tone tone) => tone switch
    {
        Tone.Success => ":white_check_mark:",
        Tone.Warning => ":warning:",
        Tone.Error => ":x:",
        _ => ":information_source:",
    };

    private static SlackMessage RenderText(TextView v)
    {
        var c = new MessageComposer();
        c.Header(v.Title);
        c.Section($"{ToneIcon(v.Tone)} {SlackText.WithLinks(v.Text, v.Links)}");
        c.TailActions(v.Actions);
        return c.Build(v.Title is null ? v.Text : $"{v.Title}: {v.Text}");
    }

    private static SlackMessage RenderHelp(HelpView v)
    {
        var c = new MessageComposer();
        if (!string.IsNullOrWhiteSpace(v.Error))
        {
            c.Section($":warning: {SlackText.Escape(v.Error)}");
        }

        c.Header("TriageBot commands");
        var lines = v.Commands.Select(cmd => $"`/triage {SlackText.Escape(cmd.Usage).Replace("`", "'", StringComparison.Ordinal)}` — {SlackText.Escape(cmd.Description)}").ToList();
        c.Lines(lines, MaxListLines);
        return c.Build(v.Error ?? "TriageBot commands");
    }

    private static SlackMessage RenderRubric(RubricView v)
    {
        var c = new MessageComposer();
        c.Header("Triage rubric");
        foreach (var d in v.Dimensions)
        {
            var sb = new StringBuilder($"*{SlackText.Escape(d.Name)}* (weight ×{SlackText.Number(d.Weight)})");
            foreach (var level in d.Levels.OrderByDescending(l => l.Score))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n*{level.Score}* — {SlackText.Escape(level.Meaning)}");
            }

            c.Section(sb.ToString());
        }

        var weights = string.Join(" + ", v.Dimensions.Select(d => $"{SlackText.Number(d.Weight)}·{SlackText.Escape(d.Name)}"));
        c.Section($"*Weighted total* = {weights}\n"
            + $"*{SlackText.Number(v.SprintThreshold)} or more* → Sprint · "
            + $"*{SlackText.Number(v.ReadyThreshold)}–{SlackText.Number(v.SprintThreshold - 1)}* → Ready · "
            + $"*below {SlackText.Number(v.ReadyThreshold)}* → Icebox");
        return c.Build("Triage rubric");
    }

    private static SlackMessage RenderCard(ItemCardView v)
    {
        var item = v.Item;
        var c = new MessageComposer { DashboardUrl = item.Url };
        c.Header($"{item.Key} · {item.Title}");
        c.Context(Facts(item));
        if (!string.IsNullOrWhiteSpace(v.Description))
        {
            c.Section(SlackText.Escape(v.Description));
        }

        c.Fields(v.Fields);
        if (v.Scores.Count > 0)
        {
            c.Section("*Score*");
            c.Fields(v.Scores);
        }

        var notices = Flags(item).Concat(v.Notices.Select(n => ":warning: " + SlackText.Escape(n))).ToList();
        if (notices.Count > 0)
        {
            c.Lines(notices, 20);
        }

        if (item.Url is not null)
        {
            c.Context(SlackText.Link(item.Url, "Open on the dashboard"));
        }

        c.TailActions(v.Actions);
        return c.Build($"{item.Key}: {item.Title}");
    }

    private static SlackMessage RenderList(ItemListView v)
    {
        var c = new MessageComposer { DashboardUrl = v.DashboardUrl };
        c.Header(v.Title);
        if (v.Items.Count == 0)
        {
            c.Section(SlackText.Escape(v.EmptyText ?? Wording.NothingHere));
        }
        else
        {
            c.Lines(v.Items.Select(ItemLine).ToList(), MaxListLines, v.TotalCount);
        }

        if (v.DashboardUrl is not null)
        {
            c.Context(SlackText.Link(v.DashboardUrl, "Open the dashboard"));
        }

        return c.Build($"{v.Title} ({SlackText.Number(v.TotalCount)})");
    }

    private static SlackMessage RenderCreated(ItemCreatedView v)
    {
        var item = v.Item;
        var c = new MessageComposer { DashboardUrl = item.Url };
        c.Section($":inbox_tray: *{KeyLink(item)}* {SlackText.Escape(item.Title)}\nReported by {SlackText.Name(v.Reporter)}");
        var context = new List<string> { Wording.Stream(item.Stream), StateText(item) };
        if (v.SourceLink is not null)
        {
            context.Add(SlackText.Link(v.SourceLink, "original message"));
        }

        c.Context(context);
        var flags = Flags(item).ToList();
        if (flags.Count > 0)
        {
            c.Lines(flags, 10);
        }

        c.TailActions(v.Actions);
        return c.Build($"{item.Key} reported: {item.Title}");
    }

    private static SlackMessage RenderNoteRequest(CapabilityNoteRequestView v)
    {
        var item = v.Item;
        var c = new MessageComposer { DashboardUrl = item.Url };
        var who = v.Engineers.Count == 0 ? "Engineers" : string.Join(", ", v.Engineers.Take(20).Select(SlackText.Person));
        var heading = (v.IsReminder ? Wording.ReminderPrefix : "") + Wording.NeedsCapabilityNote(item.Key);
        if (v.Outcome is { } outcome)
        {
            // Answered: the request says what happened and who did it, and has no button.
            c.Section($":white_check_mark: *{SlackText.Escape(heading)}*\n*{KeyLink(item)}* {SlackText.Escape(item.Title)}\n{SlackText.Escape(outcome)}");
            return c.Build(outcome);
        }

        c.Section($"{(v.IsReminder ? ":alarm_clock:" : ":memo:")} *{SlackText.Escape(heading)}*\n*{KeyLink(item)}* {SlackText.Escape(item.Title)}\n{who}: {SlackText.Escape(Wording.CapabilityNoteQuestion)}");
        c.TailActions([new ActionButton(ButtonIds.AddCapabilityNote, Wording.AddCapabilityNote, item.Ref, ButtonStyle.Primary)]);
        return c.Build(heading);
    }

    private static SlackMessage RenderBallot(BallotView v)
    {
        var item = v.Item;
        var c = new MessageComposer { DashboardUrl = item.Url };
        c.Header($"Scoring {item.Key} · {item.Title}");
        c.Context(Wording.Stream(item.Stream), $"round {SlackText.Number(v.Round)}", StateText(item));

        if (v.Final is { } final)
        {
            var placement = item.HeldPlacement is { } held ? Wording.HeldPlacement(held) : Wording.Queue(final.Placement);
            c.Section($":checkered_flag: *Finalized* by {SlackText.Name(final.FinalizedBy)}: total *{SlackText.Number(final.Total)}* → *{placement}*");
            var lines = Enum.GetValues<Dimension>().Select(d =>
                $"*{Wording.Dimension(d)}*: {SlackText.Number(final.Scores[d])}" +
                (v.Overrides.FirstOrDefault(o => o.Dimension == d) is { } o ? $" _({Wording.OverrodeMedian(o.Median)})_" : "") +
                (final.Justifications.TryGetValue(d, out var why) && !string.IsNullOrWhiteSpace(why) ? " — " + SlackText.Escape(why) : "")).ToList();
            c.Lines(lines, 4);
        }
        else if (v.Revealed)
        {
            if (v.Results.Count > 0)
            {
                var results = v.Results.Select(r =>
                    $"*{Wording.Dimension(r.Dimension)}*: median *{SlackText.Number(r.Median)}* (spread {SlackText.Number(r.Min)}–{SlackText.Number(r.Max)})").ToList();
                if (v.ImpliedTotal is { } total)
                {
                    results.Add($"Implied total: *{SlackText.Number(total)}*");
                }

                c.Lines(results, 10);
            }

            var votes = v.Votes.Select(VoteLine).ToList();
            c.Lines(votes, 25);
            if (v.Previous is { } previous)
            {
                c.Context(SlackText.Escape(Wording.PreviousResult(previous)));
            }
        }
        else
        {
            var status = v.Voters.Count == 0
                ? Wording.NoVotesYet
                : Wording.VotedSoFar($"*{SlackText.Number(v.Voters.Count)}*", SlackText.TruncateMrkdwn(string.Join(", ", v.Voters.Select(SlackText.Name)), 2500));
            c.Section($":ballot_box_with_ballot: {status}\n_{Wording.VotesHidden}_");
        }

        if (v.Consequences.Count > 0)
        {
            c.Lines(v.Consequences.Select(x => ":point_right: " + SlackText.Escape(x)).ToList(), 10);
        }

        if (v.ClosedNote is { } closed)
        {
            c.Context(":lock: " + SlackText.Escape(closed));
        }

        var actions = v.Actions;
        if (v.InlineVote is { } vote)
        {
            // One click to vote: a menu per dimension and a button that submits them. What each person picks stays in their
            // own client until they press it. The Vote action still opens the whole form, for reasons.
            static JsonNode Menu(FormField field)
            {
                var menu = ModalRenderer.Select(field, null);
                menu["action_id"] = field.Id;
                return menu;
            }

            var elements = new JsonArray([.. vote.Fields.Select(Menu)]);
            elements.Add(c.Buttons.Make(ActionIdCodec.SubmitInlineForm, vote.SubmitLabel, ActionIdCodec.InlineFormValue(vote.FormId, vote.Argument), ButtonStyle.Primary));
            c.TailBlock(new JsonObject { ["type"] = "actions", ["block_id"] = ActionIdCodec.InlineFormBlock, ["elements"] = elements });
            actions = [.. actions.Select(a => a.ActionId == ButtonIds.Vote ? a with { Label = "Vote with reasons…", Style = ButtonStyle.Default } : a)];
        }

        c.TailActions(actions);
        return c.Build($"Scoring {item.Key}: {item.Title}");
    }

    private static string VoteLine(BallotVoteLine line)
    {
        var sb = new StringBuilder($"{SlackText.Name(line.Voter)}: ");
        sb.Append(string.Join(" · ", Enum.GetValues<Dimension>().Select(d => $"{Wording.DimensionShort(d)} {SlackText.Number(line.Scores[d])}")));
        var reasons = line.Reasons.Where(r => !string.IsNullOrWhiteSpace(r.Value))
            .Select(r => $"{Wording.DimensionShort(r.Key)}: {SlackText.Escape(r.Value)}").ToList();
        if (reasons.Count > 0)
        {
            sb.Append("\n    _").Append(string.Join("; ", reasons)).Append('_');
        }

        return sb.ToString();
    }

    private static SlackMessage RenderWelcome(WelcomeView v)
    {
        var c = new MessageComposer();
        c.Section(":wave: Hi, I'm *TriageBot*. I keep your AI product's backlog honest: report items from chat, score them in the triage clinic, and get the ceremony reports.");
        c.Section(v.AlreadyBound
            ? $"This channel is bound to the backlog *{SlackText.Escape(v.BacklogName ?? "?")}*. Try `/triage help`."
            : "This channel is not bound to a backlog yet: run `/triage setup` to bind it.");
        c.TailActions(v.Actions);
        return c.Build("Hi, I'm TriageBot");
    }

    private static SlackMessage RenderFormAsMessage(FormView v)
    {
        var c = new MessageComposer();
        c.Section($":memo: *{SlackText.Escape(v.Title)}*" + (v.Intro is null ? "" : "\n" + SlackText.Escape(v.Intro)));
        return c.Build(v.Title);
    }

    private static string ItemLine(ItemSummary item)
    {
        var sb = new StringBuilder($"*{KeyLink(item)}* {SlackText.Escape(item.Title)} — {Wording.Stream(item.Stream)} · {StateText(item)}");
        if (item.Owner is { } owner)
        {
            sb.Append(" · ").Append(SlackText.Name(owner));
        }

        var flags = ShortFlags(item);
        if (flags.Length > 0)
        {
            sb.Append(' ').Append(flags);
        }

        return sb.ToString();
    }

    internal static string KeyLink(ItemSummary item) => SlackText.Link(item.Url, item.Key);

    private static IEnumerable<string> Facts(ItemSummary item)
    {
        yield return Wording.Stream(item.Stream);
        yield return StateText(item);
        if (item.Owner is { } owner)
        {
            yield return "owner " + SlackText.Name(owner);
        }

        yield return "reported " + item.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static string StateText(ItemSummary item)
    {
        var sb = new StringBuilder(item.State.ToString());
        if (item.Column is { } column)
        {
            sb.Append(" (").Append(column).Append(')');
        }

        if (item.Total is { } total)
        {
            sb.Append(" · total ").Append(SlackText.Number(total));
            if (item.Placement is { } placement)
            {
                sb.Append(" → ").Append(Wording.Queue(placement));
            }
        }

        if (item.HeldPlacement is { } held)
        {
            sb.Append(" · ").Append(Wording.HeldPlacement(held));
        }

        return sb.ToString();
    }

    private static IEnumerable<string> Flags(ItemSummary item) =>
        Wording.FlagsOf(item).Select(f => $"{FlagIcon(f)} *{Wording.Flag(f)}*" + (Wording.FlagReason(f) is { } why ? $": {why}." : "."));

    private static string ShortFlags(ItemSummary item) => string.Concat(Wording.FlagsOf(item).Select(FlagIcon));

    private static string FlagIcon(ItemFlag flag) => flag switch
    {
        ItemFlag.CautiousRelease => ":rotating_light:",
        ItemFlag.ResearchTimebox => ":hourglass_flowing_sand:",
        ItemFlag.NeedsCapabilityNote => ":memo:",
        ItemFlag.DueForRescore => ":recycle:",
        _ => ":warning:",
    };
}
