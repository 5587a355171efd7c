using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Teams.Tests;

public sealed class CardTests
{
    [Fact]
    public async Task EveryRenderedCard_IsValidAgainstTheSchema_AndParsesInTheOfficialRenderer_WithoutWarnings()
    {
        var folder = Directory.CreateTempSubdirectory("triagebot-cards-").FullName;
        try
        {
            foreach (var (name, view) in CardGallery.All())
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), AdaptiveCardRenderer.Render(view).ToJsonString());
                if (view is FormView form)
                    await File.WriteAllTextAsync(Path.Combine(folder, name + "-dialog.json"), AdaptiveCardRenderer.Render(form, CardHost.Dialog).ToJsonString());
                if (view is BallotView or ReportView)
                    await File.WriteAllTextAsync(Path.Combine(folder, name + "-teams.json"), AdaptiveCardRenderer.Render(view, CardHost.TeamsMessage).ToJsonString());
            }

            var report = await NodeTools.RunAsync("validate-cards.mjs", NodeTools.SchemaPath("adaptive-card-1.5.0.schema.json"), folder);

            var files = report["files"]!.AsArray();
            files.Count.ShouldBe(Directory.GetFiles(folder, "*.json").Length);
            foreach (var file in files)
            {
                var name = file!["file"]!.GetValue<string>();
                file["schemaErrors"]!.AsArray().ShouldBeEmpty($"{name}: {file["schemaErrors"]!.ToJsonString()}");
                file["parseEvents"]!.AsArray().ShouldBeEmpty($"{name}: {file["parseEvents"]!.ToJsonString()}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheValidator_CatchesAnInvalidCard()
    {
        var folder = Directory.CreateTempSubdirectory("triagebot-badcards-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "bad.json"), """
                {"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock"},{"type":"Marquee","text":"x"},
                 {"type":"Input.Text","id":"t","isRequired":true}],"msteams":{"width":"Full","colour":"red"}}
                """);

            var report = await NodeTools.RunAsync("validate-cards.mjs", NodeTools.SchemaPath("adaptive-card-1.5.0.schema.json"), folder);

            var file = report["files"]!.AsArray().ShouldHaveSingleItem()!;
            var schemaErrors = file["schemaErrors"]!.ToJsonString();
            schemaErrors.ShouldContain("text");
            schemaErrors.ShouldContain("colour");
            var parseEvents = file["parseEvents"]!.ToJsonString();
            parseEvents.ShouldContain("Marquee");
            parseEvents.ShouldContain("RequiredInputsShouldHaveLabel");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheGallery_CoversEveryViewType()
    {
        var registered = typeof(View).GetCustomAttributes(typeof(JsonDerivedTypeAttribute), false)
            .Cast<JsonDerivedTypeAttribute>().Select(a => a.DerivedType)
            .Where(t => !typeof(ILiveView).IsAssignableFrom(t)) // placeholders resolved by the delivery worker, never rendered
            .ToHashSet();
        var covered = CardGallery.All().Select(v => v.View.GetType()).ToHashSet();

        registered.Except(covered).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("[x](https://evil)", @"\[x\]\(https://evil\)")]
    [InlineData("**bold** _it_", @"\*\*bold\*\* \_it\_")]
    [InlineData("<at>Everyone</at>", @"\<at\>Everyone\<\/at\>")]
    [InlineData("# title", @"\# title")]
    [InlineData("- item", @"\- item")]
    [InlineData("a - b # c", "a - b # c")]
    [InlineData("1. first", @"1\. first")]
    [InlineData("version 1.5", "version 1.5")]
    [InlineData("line\nline", "line\n\nline")]
    [InlineData("{{DATE(2026-01-01T00:00:00Z)}}", "{\u200B{DATE\\(2026-01-01T00:00:00Z\\)}}")]
    [InlineData("back\\slash", @"back\\slash")]
    public void Escape_NeutralisesMarkdownMentionsAndFunctions(string input, string expected) =>
        CardText.Escape(input).ShouldBe(expected.Replace("<\\/at", "<\\/at", StringComparison.Ordinal).Replace(@"\<\/at\>", @"\</at\>", StringComparison.Ordinal));

    [Fact]
    public void PeoplesText_NeverReachesAMarkdownField_Unescaped()
    {
        foreach (var (name, view) in CardGallery.All())
        {
            var rendered = MarkdownTexts(AdaptiveCardRenderer.Render(view)).ToList();
            rendered.ShouldNotBeEmpty(name);
            foreach (var text in rendered)
            {
                text.ShouldNotContain("[click me](", customMessage: name);
                text.ShouldNotContain("**bold**", customMessage: name);
                text.ShouldNotContain("<at>Everyone</at>", customMessage: name);
                text.ShouldNotContain("{{DATE", customMessage: name);
                text.ShouldNotContain("\n# Heading", customMessage: name);
            }
        }
    }

    [Theory]
    [InlineData(WorkStream.Model)]
    [InlineData(WorkStream.Bug)]
    [InlineData(WorkStream.Feature)]
    [InlineData(WorkStream.Incident)]
    public void ItemCard_NamesTheStream_AndItsFlags_InTheWordsEverySurfaceUses(WorkStream stream)
    {
        var item = Sample.Item(7, stream: stream) with { CautiousRelease = true, ResearchTimebox = true, NeedsCapabilityNote = true, DueForRescore = true };

        var texts = MarkdownTexts(AdaptiveCardRenderer.Render(new ItemCardView(item))).ToList();

        texts.ShouldContain(Wording.Stream(stream));
        var flags = texts.Single(t => t.Contains(Wording.Flag(ItemFlag.CautiousRelease), StringComparison.Ordinal));
        foreach (var flag in Enum.GetValues<ItemFlag>())
        {
            flags.ShouldContain(Wording.Flag(flag));
        }
    }

    [Fact]
    public void IncidentItem_IsCalledTheIncidentLane_AsInSlackAndOnTheDashboard()
    {
        var texts = MarkdownTexts(AdaptiveCardRenderer.Render(new ItemCardView(Sample.Item(7, stream: WorkStream.Incident)))).ToList();

        texts.ShouldContain("Incident lane");
    }

    /// <summary>The strings a host renders as Markdown: TextBlock text and FactSet titles/values.</summary>
    private static IEnumerable<string> MarkdownTexts(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var type = o["type"]?.GetValue<string>();
                if (type == "TextBlock" && o["text"] is { } t) yield return t.GetValue<string>();
                if (type == "FactSet")
                    foreach (var fact in o["facts"]!.AsArray())
                    {
                        yield return fact!["title"]!.GetValue<string>();
                        yield return fact["value"]!.GetValue<string>();
                    }
                foreach (var (_, child) in o)
                    foreach (var s in MarkdownTexts(child)) yield return s;
                break;
            case JsonArray a:
                foreach (var child in a)
                    foreach (var s in MarkdownTexts(child)) yield return s;
                break;
        }
    }

    [Fact]
    public void FormInputs_KeepWhatPeopleTyped_Verbatim()
    {
        var form = new FormView(FormIds.Intake, "Report", "Report", CardGallery.Fields()) { Values = new Dictionary<string, string> { ["title"] = CardGallery.Hostile } };

        var title = AdaptiveCardRenderer.Render(form)["body"]!.AsArray().Single(e => e!["id"]?.GetValue<string>() == "title")!;

        title["value"]!.GetValue<string>().ShouldBe(CardGallery.Hostile);
    }

    [Fact]
    public void Buttons_AreActionExecute_WithTheActionIdAsVerb_AndOnlyAnArgument()
    {
        var card = AdaptiveCardRenderer.Render(new BallotView(Sample.Item(42), 1, [])
        {
            Actions = [new ActionButton(ButtonIds.Vote, "Vote", "payments/42"), new ActionButton(ButtonIds.Reveal, "Reveal", "payments/42")],
        });

        var actions = card["actions"]!.AsArray();
        actions.Select(a => a!["type"]!.GetValue<string>()).ShouldAllBe(t => t == "Action.Execute");
        actions.Select(a => a!["verb"]!.GetValue<string>()).ShouldBe([ButtonIds.Vote, ButtonIds.Reveal]);
        actions[0]!["data"]!.ToJsonString().ShouldBe("""{"arg":"payments/42"}""");
    }

    [Fact]
    public void Ballot_BeforeReveal_ShowsWhoVotedButNeverHow()
    {
        var ada = new UserRef(Platform.Teams, "a", "Ada");
        var hidden = new BallotView(Sample.Item(42), 1, [ada])
        {
            // Even if Core handed votes over by mistake, an unrevealed ballot must not show them.
            Votes = [new BallotVoteLine(ada, new Core.Rubric.Scores(3, 1, 1, 1), new Dictionary<Core.Rubric.Dimension, string>())],
        };

        var json = AdaptiveCardRenderer.Render(hidden).ToJsonString();
        json.ShouldContain("1 voted so far: Ada");
        json.ShouldNotContain("impact 3");

        var revealed = AdaptiveCardRenderer.Render(hidden with { Revealed = true, ImpliedTotal = 15, Results = [new DimensionResult(Core.Rubric.Dimension.Impact, 3, 3, 3)] }).ToJsonString();
        revealed.ShouldContain("impact 3, confidence 1");
        revealed.ShouldContain("median 3");
        revealed.ShouldContain("Implied total: 15");
    }

    [Fact]
    public void LongLists_AreSummarised_AndStayUnderTheSizeBudget()
    {
        var items = Enumerable.Range(1, 500).Select(i => Sample.Item(i, new string('x', 150))).ToList();
        var card = AdaptiveCardRenderer.Render(new ItemListView("Everything", items, 500) { DashboardUrl = "https://triage.example.com/b/payments" });

        AdaptiveCardRenderer.SizeOf(card).ShouldBeLessThanOrEqualTo(AdaptiveCardRenderer.MaxCardBytes);
        MarkdownTexts(card).ShouldContain("… and 480 more on the dashboard.");
        card["actions"]!.AsArray().ShouldContain(a => a!["type"]!.GetValue<string>() == "Action.OpenUrl");
    }

    [Fact]
    public void EveryGalleryCard_StaysUnderTheSizeBudget() =>
        CardGallery.All().ShouldAllBe(v => AdaptiveCardRenderer.SizeOf(AdaptiveCardRenderer.Render(v.View)) <= AdaptiveCardRenderer.MaxCardBytes);

    [Fact]
    public void Form_RendersEveryFieldKind_WithLabelsLimitsAndValues()
    {
        var form = new FormView(FormIds.Intake, "Report", "Report", CardGallery.Fields())
        {
            Values = new Dictionary<string, string> { ["title"] = "Login fails", ["wau"] = "7.5", ["due"] = "2026-12-01", ["flag"] = "true", ["stream"] = "model" },
        };

        var body = AdaptiveCardRenderer.Render(form).AsObject()["body"]!.AsArray();
        JsonNode Input(string id) => body.Single(e => e!["id"]?.GetValue<string>() == id)!;

        Input("title")["type"]!.GetValue<string>().ShouldBe("Input.Text");
        Input("title")["maxLength"]!.GetValue<int>().ShouldBe(150);
        Input("title")["isRequired"]!.GetValue<bool>().ShouldBeTrue();
        Input("title")["errorMessage"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        Input("title")["value"]!.GetValue<string>().ShouldBe("Login fails");
        Input("description")["isMultiline"]!.GetValue<bool>().ShouldBeTrue();
        Input("stream")["type"]!.GetValue<string>().ShouldBe("Input.ChoiceSet");
        Input("stream")["value"]!.GetValue<string>().ShouldBe("model");
        Input("wau")["type"]!.GetValue<string>().ShouldBe("Input.Number");
        Input("wau")["min"]!.GetValue<double>().ShouldBe(0);
        Input("wau")["max"]!.GetValue<double>().ShouldBe(100);
        Input("wau")["value"]!.GetValue<double>().ShouldBe(7.5);
        Input("due")["type"]!.GetValue<string>().ShouldBe("Input.Date");
        Input("due")["value"]!.GetValue<string>().ShouldBe("2026-12-01");
        Input("flag")["type"]!.GetValue<string>().ShouldBe("Input.Toggle");
        Input("flag")["value"]!.GetValue<string>().ShouldBe("true");
        body.ShouldAllBe(e => e!["type"]!.GetValue<string>() == "TextBlock" || e["label"] != null);
    }

    [Fact]
    public void NoteRequest_MentionsTheEngineers_ThroughTeamsMentionEntities()
    {
        var card = AdaptiveCardRenderer.Render(new CapabilityNoteRequestView(Sample.Item(8), [new UserRef(Platform.Teams, "aad-ada", "Ada [x](y)")]));

        var entity = card["msteams"]!["entities"]!.AsArray().ShouldHaveSingleItem()!;
        entity["text"]!.GetValue<string>().ShouldBe("<at>Ada xy</at>");
        entity["mentioned"]!["id"]!.GetValue<string>().ShouldBe("aad-ada");
        MarkdownTexts(card).ShouldContain(t => t.StartsWith("<at>Ada xy</at>", StringComparison.Ordinal));
    }
}
