using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;

namespace TriageBot.Slack.Tests;

public class BlockKitRendererTests
{
    private static IEnumerable<JsonObject> Blocks(SlackMessage m) => m.Blocks.Select(b => b!.AsObject());

    private static IEnumerable<JsonObject> Buttons(SlackMessage m) =>
        Blocks(m).Where(b => (string?)b["type"] == "actions").SelectMany(b => b["elements"]!.AsArray().Select(e => e!.AsObject()));

    private static string AllText(JsonNode node) => string.Join("\n", Texts(node));

    internal static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v ? [v.GetValue<string>()] : Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        _ => [],
    };

    [Theory]
    [InlineData(WorkStream.Model)]
    [InlineData(WorkStream.Bug)]
    [InlineData(WorkStream.Feature)]
    [InlineData(WorkStream.Incident)]
    public void ItemCard_NamesTheStream_AndItsFlags_InTheWordsEverySurfaceUses(WorkStream stream)
    {
        var item = SampleViews.Item("Search returns stale answers") with
        {
            Stream = stream, CautiousRelease = true, ResearchTimebox = true, NeedsCapabilityNote = true, DueForRescore = true,
        };

        var text = AllText(BlockKitRenderer.Render(new ItemCardView(item)).Blocks);

        text.ShouldContain(Wording.Stream(stream));
        foreach (var flag in Enum.GetValues<ItemFlag>())
        {
            text.ShouldContain($"*{Wording.Flag(flag)}*");
        }
    }

    [Fact]
    public void OpenBallot_SaysWhoVotedInTheCataloguesWords()
    {
        var item = SampleViews.Item("Search returns stale answers");
        var nobody = AllText(BlockKitRenderer.Render(new BallotView(item, 1, [])).Blocks);
        var two = AllText(BlockKitRenderer.Render(new BallotView(item, 1, [new UserRef(Platform.Slack, "U1", "Ada"), new UserRef(Platform.Slack, "U2", "Eli")])).Blocks);

        nobody.ShouldContain(Wording.NoVotesYet);
        nobody.ShouldContain(Wording.VotesHidden);
        two.ShouldContain("*2* voted so far: ");
        two.ShouldContain(Wording.VotesHidden);
    }

    [Fact]
    public void Render_EveryViewType_HasARendering()
    {
        // Live views are placeholders the delivery worker resolves before a channel sees them.
        var viewTypes = typeof(View).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(View)) && !t.IsAbstract && !typeof(ILiveView).IsAssignableFrom(t)).ToHashSet();
        var sampled = SampleViews.All("x").Select(s => s.View.GetType()).ToHashSet();
        sampled.ShouldBe(viewTypes, ignoreOrder: true);
        foreach (var (name, view) in SampleViews.All("plain words"))
        {
            var message = BlockKitRenderer.Render(view);
            message.Blocks.Count.ShouldBeGreaterThan(0, name);
            message.Text.ShouldNotBeNullOrWhiteSpace(name);
        }
    }

    [Fact]
    public void Home_ShowsEachListWithTheFirstButtonOfEachLine_CountsWhatIsCut_AndFitsAHomeTab()
    {
        var person = new UserRef(Platform.Slack, "U0ADA001", "Ada");
        var buttons = new[] { new ActionButton(ButtonIds.Vote, "Vote", "payments/42", ButtonStyle.Primary), new ActionButton(ButtonIds.Show, "Show", "payments/42") };
        var home = SampleViews.Home(new string('x', 5000), person, SampleViews.Item("t"), buttons, listSize: 30);

        var rendered = HomeRenderer.Render(home);

        ((string?)rendered["type"]).ShouldBe("home");
        var blocks = rendered["blocks"]!.AsArray().Select(b => b!.AsObject()).ToList();
        blocks.Count.ShouldBeLessThanOrEqualTo(BlockLimits.ModalBlocks);
        MessageComposer.TextLength(rendered["blocks"]).ShouldBeLessThanOrEqualTo(HomeRenderer.HomeTextBudget);
        blocks.Where(b => (string?)b["type"] == "header").Select(b => (string)b["text"]!["text"]!).ShouldBe(
            ["Your triage", "Ballots waiting for your vote", "Capability notes asked of you", "Your open items", "Your timeboxes ending soon", "Next ceremonies"]);
        blocks.Select(b => b["accessory"]).OfType<JsonObject>().Select(a => ActionIdCodec.Strip((string)a["action_id"]!)).Distinct().ShouldBe([ButtonIds.Vote]);
        blocks.Select(b => b["accessory"]?["action_id"]?.ToString()).OfType<string>().ShouldBeUnique();
        blocks.Select(b => (string?)b["elements"]?[0]?["text"]).Where(t => t?.StartsWith("_… and ", StringComparison.Ordinal) == true)
            .ShouldBe(["_… and 20 more_", "_… and 20 more_", "_… and 21 more_", "_… and 20 more_"], "each list shows 10 and counts the rest");
        blocks.Select(b => b["text"]?["text"]?.ToString()).OfType<string>().ShouldAllBe(t => t.Length <= BlockLimits.SectionText);

        var empty = HomeRenderer.Render(new HomeView(person, home.At) { Backlogs = ["Payments"] });
        var text = string.Join("\n", empty["blocks"]!.AsArray().SelectMany(b => new[] { (string?)b!["text"]?["text"], (string?)b["elements"]?[0]?["text"] }).OfType<string>());
        text.ShouldContain("No ballot is waiting for your vote.");
        text.ShouldContain("You have no open items.");
        text.ShouldNotContain("Capability notes asked of you", Case.Sensitive, "a list with nothing to do and no empty wording is left out");
    }

    [Fact]
    public void Render_RepeatedActionIds_AreSuffixedAndStripBackToTheConstant()
    {
        var view = new TextView("pick one") { Actions = [new(ButtonIds.Vote, "A", "b/1"), new(ButtonIds.Vote, "B", "b/2"), new(ButtonIds.Vote, "C", "b/3"), new(ButtonIds.Show, "D", "b/1")] };
        var ids = Buttons(BlockKitRenderer.Render(view)).Select(b => (string)b["action_id"]!).ToList();
        ids.ShouldBe(["vote", "vote:1", "vote:2", "show"]);
        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.Select(ActionIdCodec.Strip).ShouldBe(["vote", "vote", "vote", "show"]);
    }

    [Theory]
    [InlineData("vote", "vote")]
    [InlineData("vote:12", "vote")]
    [InlineData("slack_run_command", "slack_run_command")]
    [InlineData("a:b", "a:b")]
    [InlineData("vote:", "vote:")]
    [InlineData(":3", ":3")]
    public void Strip_RemovesOnlyANumericSuffix(string incoming, string expected) => ActionIdCodec.Strip(incoming).ShouldBe(expected);

    [Fact]
    public void Render_Button_CarriesTheArgumentAsValueAndStyle()
    {
        var view = new TextView("x") { Actions = [new(ButtonIds.Finalize, "Finalize", "payments/42", ButtonStyle.Danger)] };
        var button = Buttons(BlockKitRenderer.Render(view)).Single();
        ((string)button["value"]!).ShouldBe("payments/42");
        ((string)button["style"]!).ShouldBe("danger");
        ((string)button["text"]!["text"]!).ShouldBe("Finalize");
    }

    [Fact]
    public void Render_OpenBallot_ShowsWhoVotedButNeverHow()
    {
        var item = SampleViews.Item("Search returns stale answers");
        var ballot = new BallotView(item, 1, [new UserRef(Platform.Slack, "U1", "Ada"), new UserRef(Platform.Slack, "U2", "Grace")])
        {
            Votes = [new BallotVoteLine(new UserRef(Platform.Slack, "U1", "Ada"), new Scores(3, 3, 3, 3), new Dictionary<Dimension, string> { [Dimension.Impact] = "SECRET-REASON" })],
            Actions = [new(ButtonIds.Vote, "Vote", item.Ref), new(ButtonIds.Reveal, "Reveal", item.Ref), new(ButtonIds.Finalize, "Finalize", item.Ref)],
        };
        var text = AllText(BlockKitRenderer.Render(ballot).Blocks);
        text.ShouldContain("Ada");
        text.ShouldContain("Grace");
        text.ShouldContain("*2* voted");
        text.ShouldNotContain("SECRET-REASON");
        text.ShouldNotContain("median");
        Buttons(BlockKitRenderer.Render(ballot)).Select(b => (string)b["action_id"]!).ShouldBe(["vote", "reveal", "finalize"]);
    }

    [Fact]
    public void Render_OpenBallotWithItsInlineVote_HasAMenuPerDimensionAndAVoteButton_TheFormButtonIsForReasons()
    {
        var item = SampleViews.Item("Search returns stale answers");
        var ballot = new BallotView(item, 2, [])
        {
            Actions = [new(ButtonIds.Vote, "Vote", item.Ref, ButtonStyle.Primary), new(ButtonIds.Reveal, "Reveal", item.Ref)],
            InlineVote = Forms.InlineVote(item, 2),
        };

        var blocks = BlockKitRenderer.Render(ballot).Blocks;

        var inline = blocks.Single(b => (string?)b!["block_id"] == ActionIdCodec.InlineFormBlock).ShouldNotBeNull();
        var elements = inline["elements"]!.AsArray().Select(e => e!.AsObject()).ToList();
        elements.Take(4).Select(e => ((string)e["type"]!, (string)e["action_id"]!, (string)e["placeholder"]!["text"]!)).ShouldBe([
            ("static_select", "impact", "User impact"), ("static_select", "confidence", "Fix confidence"),
            ("static_select", "rollback", "Rollback risk"), ("static_select", "delay", "Cost of delay")]);
        elements[0]["options"]!.AsArray().Select(o => (string)o!["value"]!).ShouldBe(["3", "2", "1"]);
        elements[0]["options"]!.AsArray().ShouldAllBe(o => ((string)o!["text"]!["text"]!).Length <= BlockLimits.OptionText);
        var submit = elements[4];
        ((string)submit["action_id"]!).ShouldBe(ActionIdCodec.SubmitInlineForm);
        ActionIdCodec.ParseInlineFormValue((string)submit["value"]!).ShouldBe(("vote", $"{item.Ref}:2"));
        ((string)submit["text"]!["text"]!).ShouldBe("Vote");
        // The last blocks are the vote, then the ballot's buttons; the one that opens the form now asks for reasons.
        blocks[^2].ShouldBeSameAs(inline);
        var form = Buttons(BlockKitRenderer.Render(ballot)).Single(b => (string)b["action_id"]! == "vote");
        ((string)form["text"]!["text"]!).ShouldBe("Vote with reasons…");
        form["style"].ShouldBeNull();
    }

    [Fact]
    public void Render_RevealedBallot_ShowsEveryVoteMediansSpreadAndImpliedTotal()
    {
        var item = SampleViews.Item("Search returns stale answers");
        var ballot = new BallotView(item, 1, [])
        {
            Revealed = true,
            Votes = [new BallotVoteLine(new UserRef(Platform.Slack, "U1", "Ada"), new Scores(3, 2, 2, 1), new Dictionary<Dimension, string> { [Dimension.Impact] = "blocks checkout" })],
            Results = [new DimensionResult(Dimension.Impact, 3, 2, 3)],
            ImpliedTotal = 19,
        };
        var text = AllText(BlockKitRenderer.Render(ballot).Blocks);
        text.ShouldContain("Ada: impact 3 · confidence 2 · rollback 2 · delay 1");
        text.ShouldContain("blocks checkout");
        text.ShouldContain("*User impact*: median *3* (spread 2–3)");
        text.ShouldContain("Implied total: *19*");
    }

    [Fact]
    public void Render_FinalizedBallot_ShowsOutcomeAndPlacement()
    {
        var item = SampleViews.Item("Search returns stale answers") with { HeldPlacement = null };
        var ballot = new BallotView(item, 1, [])
        {
            Final = new ItemScore(new Scores(3, 2, 2, 2), new Dictionary<Dimension, string>(), 19, Queue.Sprint, 1, new UserRef(Platform.Slack, "U1", "Pat"), DateTimeOffset.UnixEpoch),
        };
        var text = AllText(BlockKitRenderer.Render(ballot).Blocks);
        text.ShouldContain("total *19* → *Sprint*");
        text.ShouldContain("Finalized");
    }

    [Fact]
    public void Render_FinalizedBallot_NamesEachOverrideNextToTheMedianItReplaced()
    {
        var item = SampleViews.Item("Search returns stale answers") with { HeldPlacement = null };
        var ballot = new BallotView(item, 1, [])
        {
            Final = new ItemScore(new Scores(3, 2, 2, 3), new Dictionary<Dimension, string> { [Dimension.Delay] = "regulator deadline" }, 20, Queue.Sprint, 1, new UserRef(Platform.Slack, "U1", "Pat"), DateTimeOffset.UnixEpoch),
            Overrides = [new ScoreOverride(Dimension.Delay, 2, 3)],
        };
        var text = AllText(BlockKitRenderer.Render(ballot).Blocks);
        text.ShouldContain("*Cost of delay*: 3 _(overrode the median 2)_ — regulator deadline");
        text.ShouldNotContain("*User impact*: 3 _(overrode");
    }

    [Fact]
    public void Render_RevealedReScoringBallot_ShowsThePreviousResult_AndTheKeepScoresButton()
    {
        var item = SampleViews.Item("Search returns stale answers");
        var previous = new ItemScore(new Scores(2, 2, 2, 2), new Dictionary<Dimension, string>(), 16, Queue.Ready, 1, new UserRef(Platform.Slack, "U1", "Pat"), new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero));
        var ballot = new BallotView(item, 2, [])
        {
            Revealed = true,
            Votes = [new BallotVoteLine(new UserRef(Platform.Slack, "U1", "Ada"), new Scores(3, 2, 2, 2), new Dictionary<Dimension, string>())],
            Previous = previous,
            Actions = [new(ButtonIds.KeepScore, Wording.KeepScores, item.Ref)],
        };
        var message = BlockKitRenderer.Render(ballot);
        AllText(message.Blocks).ShouldContain("Previous result (round 1, 2026-09-01): impact 2, confidence 2, rollback 2, delay 2; total 16 → Ready queue");
        ((string)Buttons(message).Single()["action_id"]!).ShouldBe(ButtonIds.KeepScore);
    }

    [Fact]
    public void Render_AnsweredCapabilityNoteRequest_SaysWhoAddedTheNote_AndHasNoButton()
    {
        var view = new CapabilityNoteRequestView(SampleViews.Item("Summaries"), [new UserRef(Platform.Slack, "U0ENG001", "Eng")]) { Outcome = "Capability note added by Eli on 2026-11-02." };
        var message = BlockKitRenderer.Render(view);
        AllText(message.Blocks).ShouldContain("Capability note added by Eli on 2026-11-02.");
        Buttons(message).ShouldBeEmpty();
    }

    [Fact]
    public void Render_LongList_IsSummarisedWithTheDashboardLink_AndStaysWithinLimits()
    {
        var items = Enumerable.Range(1, 500).Select(n => SampleViews.Item(new string('x', 140), n)).ToList();
        var message = BlockKitRenderer.Render(new ItemListView("Ready queue", items, 500) { DashboardUrl = SampleViews.DashboardUrl });
        message.Blocks.Count.ShouldBeLessThanOrEqualTo(BlockLimits.MessageBlocks);
        var text = AllText(message.Blocks);
        text.ShouldMatch(@"and \d+ more");
        text.ShouldNotContain("did not fit");
        text.ShouldContain(SampleViews.DashboardUrl);
        MessageComposer.TextLength(message.Blocks).ShouldBeLessThanOrEqualTo(BlockLimits.MessageTextBudget);
    }

    [Fact]
    public void Render_HugeReport_KeepsWithin50BlocksAndKeepsItsButtons()
    {
        var sections = Enumerable.Range(1, 80).Select(i => new ReportSection($"Section {i}", [new ReportLine(new string('y', 2000))])).ToList();
        var view = new ReportView("Weekly stream review", sections) { DashboardUrl = SampleViews.DashboardUrl, Actions = [new(ButtonIds.Show, "Open", "x")] };
        var message = BlockKitRenderer.Render(view);
        message.Blocks.Count.ShouldBeLessThanOrEqualTo(BlockLimits.MessageBlocks);
        MessageComposer.TextLength(message.Blocks).ShouldBeLessThanOrEqualTo(BlockLimits.MessageTextBudget);
        ((string)message.Blocks[^1]!["type"]!).ShouldBe("actions");
        AllText(message.Blocks).ShouldContain("did not fit in one Slack message");
    }

    [Fact]
    public void Render_CapabilityNoteRequest_MentionsRealSlackEngineers_AndOffersTheNoteButton()
    {
        var view = new CapabilityNoteRequestView(SampleViews.Item("Summaries"), [new UserRef(Platform.Slack, "U0ENG001", "Eng"), new UserRef(Platform.Teams, "29:abc", "Teams person")]);
        var message = BlockKitRenderer.Render(view);
        var text = AllText(message.Blocks);
        text.ShouldContain("<@U0ENG001>");
        text.ShouldContain("Teams person");
        var button = Buttons(message).Single();
        ((string)button["action_id"]!).ShouldBe(ButtonIds.AddCapabilityNote);
        ((string)button["value"]!).ShouldBe("payments/42");
    }

    [Fact]
    public void Render_Modal_UsesFieldIdsAsBlockAndActionIds_AndPrefillsValues()
    {
        var form = SampleViews.Form("Checkout fails");
        var modal = ModalRenderer.Render(form, new FormMetadata(form.FormId, form.Argument, "C1", "1700.1"));
        var inputs = modal["blocks"]!.AsArray().Select(b => b!.AsObject()).Where(b => (string?)b["type"] == "input").ToList();
        inputs.Select(b => (string)b["block_id"]!).ShouldBe(["title", "description", "stream", "wau", "due", "gate"]);
        inputs.Select(b => (string)b["element"]!["action_id"]!).ShouldBe(["title", "description", "stream", "wau", "due", "gate"]);
        var element = (string id) => inputs.Single(b => (string)b["block_id"]! == id)["element"]!;
        ((string)element("title")["initial_value"]!).ShouldBe("Checkout fails");
        ((int)element("title")["min_length"]!).ShouldBe(3);
        ((int)element("title")["max_length"]!).ShouldBe(150);
        ((bool)element("description")["multiline"]!).ShouldBeTrue();
        ((string)element("stream")["initial_option"]!["value"]!).ShouldBe("feature");
        ((string)element("wau")["type"]!).ShouldBe("number_input");
        ((string)element("wau")["initial_value"]!).ShouldBe("12.5");
        ((string)element("due")["initial_date"]!).ShouldBe("2026-12-01");
        ((string)element("gate")["initial_options"]![0]!["value"]!).ShouldBe("true");
        ((bool)inputs[0]["optional"]!).ShouldBeFalse();
        ((bool)inputs[1]["optional"]!).ShouldBeTrue();
        var metadata = FormMetadata.TryParse((string)modal["private_metadata"]!)!;
        metadata.ShouldBe(new FormMetadata(FormIds.Intake, "payments/42", "C1", "1700.1"));
        ((string)modal["title"]!["text"]!).Length.ShouldBeLessThanOrEqualTo(BlockLimits.ModalTitle);
    }

    [Fact]
    public void Render_ModalErrors_AreKeyedByBlockId_AndUnknownFieldsFallToTheFirstField()
    {
        var form = SampleViews.Form("x") with { Errors = [new FieldError("title", "Titles are 3–150 characters."), new FieldError("stream", "Pick a stream."), new FieldError("elsewhere", "Backlog is closed.")] };
        var errors = ModalRenderer.Errors(form);
        ((string)errors["response_action"]!).ShouldBe("errors");
        var byBlock = errors["errors"]!.AsObject();
        byBlock.Select(p => p.Key).ShouldBe(["title", "stream"], ignoreOrder: true);
        ((string)byBlock["title"]!).ShouldContain("Titles are 3–150 characters.");
        ((string)byBlock["title"]!).ShouldContain("Backlog is closed.");
        ((string)byBlock["stream"]!).ShouldBe("Pick a stream.");
    }

    [Fact]
    public void Render_ModalWithAnOversizedArgument_FailsWithAClearMessage()
    {
        var form = SampleViews.Form("x") with { Argument = new string('a', 4000) };
        Should.Throw<InvalidOperationException>(() => ModalRenderer.Render(form, new FormMetadata(form.FormId, form.Argument, "C1", null)))
            .Message.ShouldContain("private_metadata");
    }
}
