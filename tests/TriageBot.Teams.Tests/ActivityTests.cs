using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Teams.Tests;

/// <summary>Activities in, Core interactions and Teams answers out, through real HTTP with valid tokens.</summary>
public sealed class ActivityTests(LocalOpenIdIssuer issuer) : IAsyncLifetime
{
    private TeamsTestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(issuer));

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private string Token => issuer.Mint(new TokenSpec { Audience = TeamsTestHost.AppId, ServiceUrl = TeamsActivities.ServiceUrl });

    private async Task<JsonNode?> PostOkAsync(JsonObject activity)
    {
        var response = await _host.PostAsync(activity, Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    private static FormView IntakeForm => new(FormIds.Intake, "Report an item", "Report",
    [
        new FormField("title", "Title", FieldKind.Text) { Required = true, MaxLength = 150 },
        new FormField("description", "Description", FieldKind.MultilineText) { MaxLength = 3000 },
        new FormField("stream", "Stream", FieldKind.Choice) { Choices = [new Choice("bug", "Engineering bug"), new Choice("model", "Model quality")] },
    ]);

    [Fact]
    public async Task Message_WithBotMention_BecomesACommand_WithIdentityAndPlaceFromTheActivity()
    {
        _host.Conversation.Script = _ => new ReplyOutcome(new TextView("TRI-42 …"), Private: false);

        await PostOkAsync(TeamsActivities.Message("<at>TriageBot</at>&nbsp;show   TRI-42 "));

        var interaction = _host.Conversation.Received.ShouldHaveSingleItem();
        interaction.Intent.ShouldBe(new CommandIntent("show TRI-42"));
        interaction.Actor.ShouldBe(new UserRef(Platform.Teams, "29:user-one", "Ada Lovelace"));
        interaction.Place.ShouldBe(new ConversationAddress
        {
            Platform = Platform.Teams,
            Workspace = TeamsTestHost.TenantId,
            ChannelId = TeamsActivities.ChannelId,
            ThreadId = "1700000000001",
            ServiceUrl = TeamsActivities.ServiceUrl,
            TeamId = TeamsActivities.TeamId,
        });
    }

    [Fact]
    public async Task Message_Reply_IsEnqueuedIntoTheSameThread_NotSentInline()
    {
        _host.Conversation.Script = _ => new ReplyOutcome(new TextView("Created TRI-7"), Private: false);

        var body = await PostOkAsync(TeamsActivities.Message("<at>TriageBot</at> new bug", id: "msg-1"));

        body.ShouldBeNull();
        var queued = _host.Outbox.Enqueued.ShouldHaveSingleItem();
        queued.Kind.ShouldBe(OutboxKind.Post);
        queued.Target.ChannelId.ShouldBe(TeamsActivities.ChannelId);
        queued.Target.ThreadId.ShouldBe("1700000000001");
        queued.Payload.GetRawText().ShouldBe(OutboxViews.Payload(new TextView("Created TRI-7")).GetRawText());
        queued.Id.ShouldBe($"teams:{TeamsTestHost.TenantId}|{TeamsActivities.ChannelId};messageid=1700000000001|msg-1:reply");
    }

    [Fact]
    public async Task Message_Actor_IsTheTeamsUserId_NotTheAadObjectId()
    {
        // The 29: id is what mention entities carry and what a 1:1 chat is created with; the AAD id is neither.
        await PostOkAsync(TeamsActivities.Message("help"));

        _host.Conversation.Received.ShouldHaveSingleItem().Actor.UserId.ShouldBe("29:user-one");
    }

    [Fact]
    public async Task Message_WithoutFromId_IsRefused_EvenWithAnAadObjectId()
    {
        var activity = TeamsActivities.Message("help");
        activity["from"]!.AsObject().Remove("id");

        var response = await _host.PostAsync(activity, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        _host.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Message_MentionOfSomeoneElse_BecomesCoresMentionToken()
    {
        var activity = TeamsActivities.Message("<at>TriageBot</at> role <at>Grace Hopper</at> engineer");
        activity["entities"]!.AsArray().Add(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>Grace Hopper</at>",
            ["mentioned"] = new JsonObject { ["id"] = "29:1grace-H_x", ["name"] = "Grace Hopper" },
        });

        await PostOkAsync(activity);

        ((CommandIntent)_host.Conversation.Received.ShouldHaveSingleItem().Intent).Text.ShouldBe("role <@29:1grace-H_x|Grace Hopper> engineer");
    }

    [Fact]
    public async Task Message_MentionInHtml_WithHostileName_IsSanitised_AndTheRestStaysText()
    {
        var activity = TeamsActivities.Message("<p><at>TriageBot</at> note TRI-3 ask <at>G|r&lt;a&gt;ce</at>&nbsp;<b>now</b></p>");
        activity["textFormat"] = "xml";
        activity["entities"]!.AsArray().Add(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>G|r&lt;a&gt;ce</at>",
            ["mentioned"] = new JsonObject { ["id"] = "29:grace", ["name"] = "G|r<a>ce" },
        });

        await PostOkAsync(activity);

        ((CommandIntent)_host.Conversation.Received.ShouldHaveSingleItem().Intent).Text.ShouldBe("note TRI-3 ask <@29:grace|G r a ce> now");
    }

    [Fact]
    public async Task Message_MentionOfAChannel_StaysPlainText()
    {
        var activity = TeamsActivities.Message("<at>TriageBot</at> note TRI-3 see <at>General</at>");
        activity["entities"]!.AsArray().Add(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>General</at>",
            ["mentioned"] = new JsonObject { ["id"] = "19:general@thread.tacv2", ["name"] = "General" },
        });

        await PostOkAsync(activity);

        ((CommandIntent)_host.Conversation.Received.ShouldHaveSingleItem().Intent).Text.ShouldBe("note TRI-3 see General");
    }

    [Fact]
    public async Task Message_TypedPlaceholderCharacters_CannotForgeAMention()
    {
        var activity = TeamsActivities.Message("<at>TriageBot</at> note \u00010\u0002 <at>Grace</at>");
        activity["entities"]!.AsArray().Add(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>Grace</at>",
            ["mentioned"] = new JsonObject { ["id"] = "29:grace", ["name"] = "Grace" },
        });

        await PostOkAsync(activity);

        ((CommandIntent)_host.Conversation.Received.ShouldHaveSingleItem().Intent).Text.ShouldBe("note 0 <@29:grace|Grace>");
    }

    [Fact]
    public async Task RetriedActivity_WithTheSameId_IsHandledOnce()
    {
        _host.Conversation.Script = _ => new ReplyOutcome(new TextView("ok"), Private: false);

        await PostOkAsync(TeamsActivities.Message("help", id: "same-id"));
        await PostOkAsync(TeamsActivities.Message("help", id: "same-id"));

        _host.Conversation.Received.Count.ShouldBe(1);
        _host.Outbox.Enqueued.Count.ShouldBe(1);
    }

    [Fact]
    public async Task FailedHandling_Is500_AndTheRetryIsProcessed()
    {
        var calls = 0;
        _host.Conversation.Script = _ => ++calls == 1 ? throw new InvalidOperationException("a bug") : new ReplyOutcome(new TextView("ok"));

        var first = await _host.PostAsync(TeamsActivities.Message("help", id: "flaky"), Token);
        var second = await _host.PostAsync(TeamsActivities.Message("help", id: "flaky"), Token);

        first.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        _host.Conversation.Received.Count.ShouldBe(2);
    }

    [Fact]
    public async Task StoreUnavailable_Is503WithRetryAfter_AndTheRetryIsProcessed()
    {
        var calls = 0;
        _host.Conversation.Script = _ => ++calls == 1 ? throw new StoreUnavailableException("store down") : new ReplyOutcome(new TextView("ok"));

        var first = await _host.PostAsync(TeamsActivities.Message("help", id: "store-flaky"), Token);
        var second = await _host.PostAsync(TeamsActivities.Message("help", id: "store-flaky"), Token);

        first.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        first.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(5));
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        _host.Conversation.Received.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("typing", null)]
    [InlineData("messageReaction", null)]
    [InlineData("invoke", "composeExtension/querySettingUrl")]
    [InlineData("invoke", "signin/verifyState")]
    public async Task UnhandledActivities_Are200_AndIgnored(string type, string? name)
    {
        var activity = TeamsActivities.Base(type);
        if (name is not null) activity["name"] = name;

        var body = await PostOkAsync(activity);

        body.ShouldBeNull();
        _host.Conversation.Received.ShouldBeEmpty();
        _host.Inbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task ActionExecute_IsAButtonIntent_AndAnUpdatedCardIsTheInvokeResponse()
    {
        var ballot = new BallotView(Sample.Item(42), 1, [new UserRef(Platform.Teams, "u1", "Ada")]);
        _host.Conversation.Script = _ => new UpdateCardOutcome(ballot);

        var body = await PostOkAsync(TeamsActivities.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = ButtonIds.Reveal, ["data"] = new JsonObject { ["arg"] = "payments/42" } },
            ["trigger"] = "manual",
        }));

        _host.Conversation.Received.ShouldHaveSingleItem().Intent.ShouldBe(new ButtonIntent(ButtonIds.Reveal, "payments/42"));
        body!["statusCode"]!.GetValue<int>().ShouldBe(200);
        body["type"]!.GetValue<string>().ShouldBe("application/vnd.microsoft.card.adaptive");
        body["value"]!["type"]!.GetValue<string>().ShouldBe("AdaptiveCard");
        body["value"]!["version"]!.GetValue<string>().ShouldBe("1.5");
        body["value"]!.ToJsonString().ShouldContain("Scoring TRI-42");
    }

    [Fact]
    public async Task ActionExecute_OnAForm_IsAFormSubmit_AndIdentityNeverComesFromTheData()
    {
        _host.Conversation.Script = _ => new CloseFormOutcome(new TextView("Reported TRI-9", Tone.Success));

        var body = await PostOkAsync(TeamsActivities.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute",
                ["verb"] = "submit",
                ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["arg"] = "bug", ["title"] = "Login fails", ["userId"] = "29:mallory", ["from"] = "Mallory" },
            },
        }));

        var interaction = _host.Conversation.Received.ShouldHaveSingleItem();
        interaction.Actor.UserId.ShouldBe("29:user-one");
        var submit = interaction.Intent.ShouldBeOfType<FormSubmitIntent>();
        submit.FormId.ShouldBe(FormIds.Intake);
        submit.Argument.ShouldBe("bug");
        submit.Values["title"].ShouldBe("Login fails");
        submit.Values.ContainsKey("formId").ShouldBeFalse();
        body!["value"]!.ToJsonString().ShouldContain("Reported TRI-9");
    }

    [Fact]
    public async Task ActionExecute_OpeningAForm_AnswersTheClickerWithAButtonThatOpensItInADialog_NeverTheFormInline()
    {
        _host.Conversation.Script = _ => new OpenFormOutcome(IntakeForm);

        var body = await PostOkAsync(TeamsActivities.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = ButtonIds.Score, ["data"] = new JsonObject { ["arg"] = "payments/42" } },
        }));

        var card = body!["value"]!.AsObject();
        card.ToJsonString().ShouldNotContain("Input.");
        var open = card["actions"]!.AsArray().ShouldHaveSingleItem()!;
        open["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        open["data"]!["msteams"]!["type"]!.GetValue<string>().ShouldBe("task/fetch");
        open["data"]!["actionId"]!.GetValue<string>().ShouldBe(ButtonIds.Score);
        open["data"]!["arg"]!.GetValue<string>().ShouldBe("payments/42");
    }

    [Theory]
    [InlineData("29:someone-else")]
    [InlineData(null)]
    public async Task TaskSubmit_OfAFormOpenedForSomeoneElse_OrWithoutItsOpener_IsRefused_AndReachesNothing(string? openedBy)
    {
        _host.Conversation.Script = _ => new CloseFormOutcome(new TextView("Reported TRI-10"));
        var data = new JsonObject { ["formId"] = FormIds.Intake, ["title"] = "Login fails" };
        if (openedBy is not null) data["openedBy"] = openedBy;

        var body = await PostOkAsync(TeamsActivities.Invoke("task/submit", new JsonObject { ["data"] = data }));

        _host.Conversation.Received.ShouldBeEmpty();
        body!["task"]!["type"]!.GetValue<string>().ShouldBe("message");
        body["task"]!["value"]!.GetValue<string>().ShouldBe(TriageBot.Teams.Activities.TeamsActivityProcessor.NotYourForm);
    }

    [Fact]
    public async Task ActionExecute_WithoutAnExecuteAction_Is400()
    {
        var response = await _host.PostAsync(TeamsActivities.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Submit", ["data"] = new JsonObject() },
        }), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        _host.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task TaskFetch_OpensTheFormAsADialog()
    {
        _host.Conversation.Script = _ => new OpenFormOutcome(IntakeForm with { Argument = "bug" });

        var body = await PostOkAsync(TeamsActivities.Invoke("task/fetch", new JsonObject
        {
            ["data"] = new JsonObject { ["msteams"] = new JsonObject { ["type"] = "task/fetch" }, ["actionId"] = ButtonIds.Setup },
        }));

        _host.Conversation.Received.ShouldHaveSingleItem().Intent.ShouldBe(new ButtonIntent(ButtonIds.Setup, null));
        body!["task"]!["type"]!.GetValue<string>().ShouldBe("continue");
        body["task"]!["value"]!["title"]!.GetValue<string>().ShouldBe("Report an item");
        var card = body["task"]!["value"]!["card"]!;
        card["contentType"]!.GetValue<string>().ShouldBe("application/vnd.microsoft.card.adaptive");
        var submit = card["content"]!["actions"]!.AsArray().ShouldHaveSingleItem()!;
        submit["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        submit["data"]!["formId"]!.GetValue<string>().ShouldBe(FormIds.Intake);
        submit["data"]!["arg"]!.GetValue<string>().ShouldBe("bug");
        submit["data"]!["openedBy"]!.GetValue<string>().ShouldBe("29:user-one");
    }

    [Fact]
    public async Task TaskSubmit_WithErrors_ReshowsTheFormWithValuesAndErrors()
    {
        var refused = IntakeForm with
        {
            Values = new Dictionary<string, string> { ["title"] = "ab", ["description"] = "It breaks <b>always</b>" },
            Errors = [new FieldError("title", "Title must be 3–150 characters.")],
        };
        _host.Conversation.Script = _ => new FormErrorsOutcome(refused);

        var body = await PostOkAsync(TeamsActivities.Invoke("task/submit", new JsonObject
        {
            ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["openedBy"] = "29:user-one", ["title"] = "ab", ["description"] = "It breaks <b>always</b>" },
        }));

        var submit = _host.Conversation.Received.ShouldHaveSingleItem().Intent.ShouldBeOfType<FormSubmitIntent>();
        submit.Values["title"].ShouldBe("ab");
        body!["task"]!["type"]!.GetValue<string>().ShouldBe("continue");
        var cardBody = body["task"]!["value"]!["card"]!["content"]!["body"]!.AsArray();
        var title = cardBody.Single(e => e!["id"]?.GetValue<string>() == "title")!;
        title["value"]!.GetValue<string>().ShouldBe("ab");
        title["errorMessage"]!.GetValue<string>().ShouldBe("Title must be 3–150 characters.");
        var afterTitle = cardBody[cardBody.IndexOf(title) + 1]!;
        afterTitle["type"]!.GetValue<string>().ShouldBe("TextBlock");
        afterTitle["color"]!.GetValue<string>().ShouldBe("Attention");
        afterTitle["text"]!.GetValue<string>().ShouldContain("Title must be 3–150 characters.");
        cardBody.Single(e => e!["id"]?.GetValue<string>() == "description")!["value"]!.GetValue<string>().ShouldBe("It breaks <b>always</b>");
    }

    [Fact]
    public async Task TaskSubmit_Accepted_ClosesTheDialogWithAMessage()
    {
        _host.Conversation.Script = _ => new CloseFormOutcome(new TextView("Reported TRI-10"));

        var body = await PostOkAsync(TeamsActivities.Invoke("task/submit", new JsonObject
        {
            ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["openedBy"] = "29:user-one", ["title"] = "Login fails" },
        }));

        body!["task"]!["type"]!.GetValue<string>().ShouldBe("message");
        body["task"]!["value"]!.GetValue<string>().ShouldBe("Reported TRI-10");
    }

    [Fact]
    public async Task TaskSubmit_AcceptedWithACard_ClosesEmpty_AndPostsTheCardIntoTheThread()
    {
        var created = new ItemCreatedView(Sample.Item(11), new UserRef(Platform.Teams, TeamsActivities.UserAad, "Ada"));
        _host.Conversation.Script = _ => new CloseFormOutcome(created);

        var body = await PostOkAsync(TeamsActivities.Invoke("task/submit", new JsonObject
        {
            ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["openedBy"] = "29:user-one", ["title"] = "Login fails" },
        }, id: "submit-1"));

        body.ShouldBeNull();
        var queued = _host.Outbox.Enqueued.ShouldHaveSingleItem();
        queued.Payload.GetRawText().ShouldBe(OutboxViews.Payload(created).GetRawText());
        queued.Target.ThreadId.ShouldBe("1700000000001");
    }

    [Fact]
    public async Task ReportToTriage_FetchTask_OpensTheIntakeFormPrefilledFromTheMessage()
    {
        _host.Conversation.Script = i =>
        {
            var report = (ReportMessageIntent)i.Intent;
            return new OpenFormOutcome(IntakeForm with { Values = new Dictionary<string, string> { ["description"] = report.MessageText ?? "" }, Argument = report.Source?.Link });
        };

        var body = await PostOkAsync(TeamsActivities.Invoke("composeExtension/fetchTask", new JsonObject
        {
            ["commandId"] = "reportToTriage",
            ["commandContext"] = "message",
            ["messagePayload"] = new JsonObject
            {
                ["id"] = "1700000000555",
                ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = "<p>The summariser drops the last paragraph &amp; invents a date.</p><p>Seen twice today</p>" },
                ["linkToMessage"] = "https://teams.microsoft.com/l/message/19:a1b2c3@thread.tacv2/1700000000555",
                ["from"] = new JsonObject { ["user"] = new JsonObject { ["id"] = "aad-2", ["displayName"] = "Grace" } },
            },
        }));

        var intent = _host.Conversation.Received.ShouldHaveSingleItem().Intent.ShouldBeOfType<ReportMessageIntent>();
        intent.MessageText.ShouldBe("The summariser drops the last paragraph & invents a date.\nSeen twice today");
        intent.Source.ShouldBe(new MessageSource(Platform.Teams, TeamsActivities.ChannelId, "1700000000555",
            "https://teams.microsoft.com/l/message/19:a1b2c3@thread.tacv2/1700000000555"));
        body!["task"]!["type"]!.GetValue<string>().ShouldBe("continue");
        var description = body["task"]!["value"]!["card"]!["content"]!["body"]!.AsArray().Single(e => e!["id"]?.GetValue<string>() == "description")!;
        description["value"]!.GetValue<string>().ShouldStartWith("The summariser drops");
    }

    [Fact]
    public async Task ReportToTriage_SubmitAction_IsAFormSubmit()
    {
        _host.Conversation.Script = _ => new CloseFormOutcome();

        var response = await _host.PostAsync(TeamsActivities.Invoke("composeExtension/submitAction", new JsonObject
        {
            ["commandId"] = "reportToTriage",
            ["commandContext"] = "message",
            ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["openedBy"] = "29:user-one", ["arg"] = "https://teams.microsoft.com/l/message/x", ["title"] = "Summariser invents dates" },
        }), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var submit = _host.Conversation.Received.ShouldHaveSingleItem().Intent.ShouldBeOfType<FormSubmitIntent>();
        submit.Values["title"].ShouldBe("Summariser invents dates");
        submit.Argument.ShouldBe("https://teams.microsoft.com/l/message/x");
    }

    [Fact]
    public async Task BotAddedToATeam_EnqueuesAWelcomeWithASetUpButton()
    {
        var activity = TeamsActivities.Base("conversationUpdate", id: "install-1", conversationId: TeamsActivities.ChannelId);
        activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = TeamsActivities.BotId });
        activity["channelData"]!["eventType"] = "teamMemberAdded";

        await PostOkAsync(activity);

        _host.Conversation.Received.ShouldBeEmpty();
        var queued = _host.Outbox.Enqueued.ShouldHaveSingleItem();
        queued.Kind.ShouldBe(OutboxKind.Post);
        queued.Target.ChannelId.ShouldBe(TeamsActivities.ChannelId);
        queued.Target.ThreadId.ShouldBeNull();
        queued.Target.ServiceUrl.ShouldBe(TeamsActivities.ServiceUrl);
        var welcome = queued.ToView().ShouldBeOfType<WelcomeView>();
        welcome.AlreadyBound.ShouldBeFalse();
        welcome.Actions.ShouldHaveSingleItem().ActionId.ShouldBe(ButtonIds.Setup);
    }

    [Fact]
    public async Task BotAdded_WhereABindingExists_RefreshesItsServiceUrl()
    {
        await _host.Bindings.UpsertAsync(Binding("https://smba.trafficmanager.net/old/", active: false), CancellationToken.None);
        var activity = TeamsActivities.Base("conversationUpdate", conversationId: TeamsActivities.ChannelId);
        activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = TeamsActivities.BotId });

        await PostOkAsync(activity);

        var binding = (await _host.Bindings.GetAsync(Platform.Teams, TeamsTestHost.TenantId, TeamsActivities.ChannelId, CancellationToken.None))!;
        binding.Address.ServiceUrl.ShouldBe(TeamsActivities.ServiceUrl);
        binding.Active.ShouldBeTrue();
        _host.Outbox.Enqueued.ShouldHaveSingleItem().ToView().ShouldBeOfType<WelcomeView>().AlreadyBound.ShouldBeTrue();
    }

    [Fact]
    public async Task SomeoneElseAdded_IsNotAWelcome()
    {
        var activity = TeamsActivities.Base("conversationUpdate", conversationId: TeamsActivities.ChannelId);
        activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "29:new-person" });

        await PostOkAsync(activity);

        _host.Outbox.Enqueued.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("conversationUpdate")]
    [InlineData("installationUpdate")]
    public async Task BotRemoved_MarksTheBindingInactive(string type)
    {
        await _host.Bindings.UpsertAsync(Binding(TeamsActivities.ServiceUrl, active: true), CancellationToken.None);
        var activity = TeamsActivities.Base(type, conversationId: TeamsActivities.ChannelId);
        if (type == "conversationUpdate") activity["membersRemoved"] = new JsonArray(new JsonObject { ["id"] = TeamsActivities.BotId });
        else activity["action"] = "remove";

        await PostOkAsync(activity);

        var binding = (await _host.Bindings.GetAsync(Platform.Teams, TeamsTestHost.TenantId, TeamsActivities.ChannelId, CancellationToken.None))!;
        binding.Active.ShouldBeFalse();
        binding.InactiveReason.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task ValidatedActivity_MakesItsServiceUrlTrustedForOutboundCalls()
    {
        var trust = (Connector.ServiceUrlTrust)_host.Services.GetService(typeof(Connector.ServiceUrlTrust))!;
        const string regional = "https://smba.example-region.teams.microsoft.com/emea/";
        trust.IsTrusted(new Uri(regional + "v3/conversations")).ShouldBeFalse();

        var token = issuer.Mint(new TokenSpec { Audience = TeamsTestHost.AppId, ServiceUrl = regional });
        (await _host.PostAsync(TeamsActivities.Message("help", serviceUrl: regional), token)).StatusCode.ShouldBe(HttpStatusCode.OK);

        trust.IsTrusted(new Uri(regional + "v3/conversations")).ShouldBeTrue();
    }

    private static Binding Binding(string serviceUrl, bool active) => new()
    {
        Address = new ConversationAddress
        {
            Platform = Platform.Teams,
            Workspace = TeamsTestHost.TenantId,
            ChannelId = TeamsActivities.ChannelId,
            ServiceUrl = serviceUrl,
            TeamId = TeamsActivities.TeamId,
        },
        BacklogId = "payments",
        Active = active,
    };
}
