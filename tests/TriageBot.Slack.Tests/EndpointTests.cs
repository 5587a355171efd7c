using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.Tests.Fakes;

namespace TriageBot.Slack.Tests;

/// <summary>The three Slack request URLs through real HTTP, signed for real, with the fake Web API behind them.</summary>
public sealed class EndpointTests : IAsyncLifetime
{
    private SlackTestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await SlackTestApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static KeyValuePair<string, string> F(string key, string value) => new(key, value);

    private static List<KeyValuePair<string, string>> SlashCommand(string text) =>
    [
        F("token", "deprecated"), F("team_id", "T0001"), F("team_domain", "acme"), F("channel_id", "C2147483705"),
        F("channel_name", "triage"), F("user_id", "U2147483697"), F("user_name", "ada"), F("command", "/triage"),
        F("text", text), F("api_app_id", "A1"), F("response_url", "https://hooks.slack.com/commands/1234/5678"),
        F("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
    ];

    private static JsonObject User(string id = "U0VOTER1", string name = "grace") => new() { ["id"] = id, ["username"] = name, ["name"] = name, ["team_id"] = "T0001" };

    private Task<HttpResponseMessage> Interact(JsonObject payload, params KeyValuePair<string, string>[] extra) =>
        _app.PostFormAsync("/slack/interactivity", [F("payload", payload.ToJsonString()), .. extra]);

    private static JsonObject BlockActions(string actionId, string? value, string containerType = "message") => new()
    {
        ["type"] = "block_actions",
        ["user"] = User(),
        ["api_app_id"] = "A1",
        ["team"] = new JsonObject { ["id"] = "T0001", ["domain"] = "acme" },
        ["trigger_id"] = "trigger-1",
        ["container"] = containerType == "message"
            ? new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000100", ["channel_id"] = "C0CLINIC", ["is_ephemeral"] = false }
            : new JsonObject { ["type"] = "view", ["view_id"] = "V1" },
        ["channel"] = containerType == "message" ? new JsonObject { ["id"] = "C0CLINIC", ["name"] = "clinic" } : null,
        ["message"] = containerType == "message" ? new JsonObject { ["ts"] = "1700000000.000100", ["thread_ts"] = "1699999999.000001", ["text"] = "ballot" } : null,
        ["view"] = containerType == "view" ? new JsonObject { ["id"] = "V1", ["private_metadata"] = new FormMetadata("vote", "payments/42", "C0CLINIC", "1699999999.000001").Serialize() } : null,
        ["response_url"] = "https://hooks.slack.com/actions/1/2/3",
        ["actions"] = new JsonArray(new JsonObject { ["action_id"] = actionId, ["block_id"] = "b1", ["type"] = "button", ["value"] = value, ["action_ts"] = "1700000001.1" }),
        ["a_field_slack_adds_later"] = new JsonObject { ["x"] = 1 },
    };

    private static JsonObject ViewSubmission(FormMetadata metadata, JsonObject values) => new()
    {
        ["type"] = "view_submission",
        ["team"] = new JsonObject { ["id"] = "T0001", ["domain"] = "acme" },
        ["user"] = User(),
        ["api_app_id"] = "A1",
        ["trigger_id"] = "trigger-2",
        ["view"] = new JsonObject
        {
            ["id"] = "V123",
            ["type"] = "modal",
            ["callback_id"] = metadata.FormId,
            ["private_metadata"] = metadata.Serialize(),
            ["state"] = new JsonObject { ["values"] = values },
            ["hash"] = "156772938.1827394",
        },
    };

    private static JsonObject IntakeValues() => new()
    {
        ["title"] = new JsonObject { ["title"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "Checkout <!channel> fails" } },
        ["description"] = new JsonObject { ["description"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = null } },
        ["stream"] = new JsonObject { ["stream"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = "bug", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Bug" } } } },
        ["wau"] = new JsonObject { ["wau"] = new JsonObject { ["type"] = "number_input", ["value"] = "7.5" } },
        ["due"] = new JsonObject { ["due"] = new JsonObject { ["type"] = "datepicker", ["selected_date"] = "2026-12-24" } },
        ["gate"] = new JsonObject { ["gate"] = new JsonObject { ["type"] = "checkboxes", ["selected_options"] = new JsonArray(new JsonObject { ["value"] = "true" }) } },
    };

    // ---- slash command -------------------------------------------------------------------------

    [Fact]
    public async Task SlashCommand_CallsTheHandlerWithActorPlaceAndText_AndAnswersWithTheEphemeralReply()
    {
        _app.Conversation.Script = _ => new ReplyOutcome(new TextView("TRI-42 is in the ready queue <!here>"), Private: true);

        var response = await _app.PostFormAsync("/slack/commands", SlashCommand("show TRI-42"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string)json["response_type"]!).ShouldBe("ephemeral");
        string.Join("\n", BlockKitRendererTests.Texts(json["blocks"])).ShouldContain("TRI-42 is in the ready queue &lt;!here&gt;");
        var interaction = _app.Conversation.Received.ShouldHaveSingleItem();
        interaction.Actor.ShouldBe(new UserRef(Platform.Slack, "U2147483697", "ada"));
        interaction.Place.Workspace.ShouldBe("T0001");
        interaction.Place.ChannelId.ShouldBe("C2147483705");
        interaction.Place.Platform.ShouldBe(Platform.Slack);
        interaction.Intent.ShouldBe(new CommandIntent("show TRI-42"));
        interaction.At.ShouldBe(_app.Time.GetUtcNow());
    }

    [Fact]
    public async Task SlashCommand_PublicReply_IsPostedInChannel()
    {
        _app.Conversation.Script = _ => new ReplyOutcome(new TextView("Rubric"), Private: false);

        var response = await _app.PostFormAsync("/slack/commands", SlashCommand("rubric"));

        ((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response_type"]!).ShouldBe("in_channel");
    }

    [Fact]
    public async Task SlashCommand_OpenForm_OpensTheModalWithTheTriggerIdAndRemembersThePlace()
    {
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("New bug"));

        var response = await _app.PostFormAsync("/slack/commands", SlashCommand("new bug"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBeEmpty();
        var call = _app.Api.CallsTo("views.open").ShouldHaveSingleItem();
        ((string)call.Json["trigger_id"]!).ShouldBe("13345224609.738474920.8088930838d88f008e0");
        var metadata = FormMetadata.TryParse((string)call.Json["view"]!["private_metadata"]!)!;
        metadata.ShouldBe(new FormMetadata(FormIds.Intake, "payments/42", "C2147483705", null));
    }

    [Fact]
    public async Task SlashCommand_WhenTheModalCannotOpen_SaysSoPrivately()
    {
        _app.Api.Answer("views.open", FakeAnswer.Error("expired_trigger_id"));
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("New bug"));

        var response = await _app.PostFormAsync("/slack/commands", SlashCommand("new bug"));

        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("expired_trigger_id");
        body.ShouldContain("\"response_type\":\"ephemeral\"");
    }

    [Fact]
    public async Task SlashCommand_SslCheck_IsAcknowledgedWithoutCallingTheHandler()
    {
        var response = await _app.PostFormAsync("/slack/commands", [F("ssl_check", "1"), F("token", "x")]);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task SlashCommand_MissingFields_Is400()
    {
        var response = await _app.PostFormAsync("/slack/commands", [F("command", "/triage"), F("text", "help")]);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("user_id");
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task SlashCommand_BodyThatIsNotUtf8_Is400()
    {
        byte[] body = [.. "command=/triage&text="u8, 0xFF, 0xFE, .. "&user_id=U1&team_id=T1&channel_id=C1"u8];

        var response = await _app.PostSignedBytesAsync("/slack/commands", body, "application/x-www-form-urlencoded");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("UTF-8");
        _app.Conversation.Received.ShouldBeEmpty();
    }

    // ---- verification ----------------------------------------------------------------------

    public static TheoryData<string> Paths => new("/slack/commands", "/slack/interactivity", "/slack/events");

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task ForgedSignature_Is401_AndTheHandlerIsNeverCalled(string path)
    {
        var response = await _app.PostFormAsync(path, SlashCommand("close TRI-1 nope"), secret: "not-the-secret");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain("signature does not match");
        _app.Conversation.Received.ShouldBeEmpty();
        _app.Api.Calls.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(-301, "old")]
    [InlineData(301, "future")]
    public async Task StaleOrFutureRequest_Is401_AndTheHandlerIsNeverCalled(int offsetSeconds, string reason)
    {
        var ts = _app.Time.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds;

        var response = await _app.PostFormAsync("/slack/commands", SlashCommand("help"), timestamp: ts);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain(reason);
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task UnsignedRequest_Is401()
    {
        var response = await _app.PostFormAsync("/slack/commands", SlashCommand("help"), secret: null);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain("missing X-Slack-Signature");
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task OversizedBody_Is413(string path)
    {
        var huge = new string('a', 1024 * 1024 + 10);

        var response = await _app.PostFormAsync(path, [F("text", huge)]);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task CommandBodyOverItsSmallerLimit_Is413()
    {
        var response = await _app.PostFormAsync("/slack/commands", SlashCommand(new string('a', 70 * 1024)));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task ChunkedOversizedBody_WithoutContentLength_Is413()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/interactivity")
        {
            Content = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024])),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add(SlackRequestHeaders.Timestamp, _app.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(SlackRequestHeaders.Signature, "v0=" + new string('0', 64));

        var response = await _app.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task WithNoSigningSecretConfigured_EveryRequestIs401()
    {
        await using var unconfigured = await SlackTestApp.StartAsync(signingSecret: null);
        foreach (var path in new[] { "/slack/commands", "/slack/interactivity", "/slack/events" })
        {
            var response = await unconfigured.PostFormAsync(path, SlashCommand("help"), secret: "anything");
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            (await response.Content.ReadAsStringAsync()).ShouldContain("not configured");
        }

        unconfigured.Conversation.Received.ShouldBeEmpty();
    }

    // ---- interactivity -----------------------------------------------------------------------

    [Fact]
    public async Task BlockAction_BecomesAButtonIntentWithTheStrippedActionIdAndArgument_AndUpdatesTheCard()
    {
        _app.Conversation.Script = _ => new UpdateCardOutcome(new TextView("Revealed"));

        var response = await Interact(BlockActions("reveal:2", "payments/42"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var interaction = _app.Conversation.Received.ShouldHaveSingleItem();
        interaction.Intent.ShouldBe(new ButtonIntent(ButtonIds.Reveal, "payments/42"));
        interaction.Actor.ShouldBe(new UserRef(Platform.Slack, "U0VOTER1", "grace"));
        interaction.Place.ChannelId.ShouldBe("C0CLINIC");
        interaction.Place.ThreadId.ShouldBe("1699999999.000001");
        interaction.Place.Workspace.ShouldBe("T0001");
        var update = _app.Api.CallsTo("chat.update").ShouldHaveSingleItem();
        ((string)update.Json["channel"]!).ShouldBe("C0CLINIC");
        ((string)update.Json["ts"]!).ShouldBe("1700000000.000100");
    }

    [Fact]
    public async Task BlockAction_PrivateReply_IsAnEphemeralToThePresser()
    {
        _app.Conversation.Script = _ => new ReplyOutcome(new TextView("Only facilitators can reveal."), Private: true);

        await Interact(BlockActions("reveal", "payments/42"));

        var call = _app.Api.CallsTo("chat.postEphemeral").ShouldHaveSingleItem();
        ((string)call.Json["user"]!).ShouldBe("U0VOTER1");
        ((string)call.Json["channel"]!).ShouldBe("C0CLINIC");
    }

    [Fact]
    public async Task BlockAction_OpenForm_OpensWithTheTriggerId_AndRemembersTheCardToUpdateLater()
    {
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("Vote") with { FormId = FormIds.Vote });

        await Interact(BlockActions("vote", "payments/42"));

        var call = _app.Api.CallsTo("views.open").ShouldHaveSingleItem();
        ((string)call.Json["trigger_id"]!).ShouldBe("trigger-1");
        FormMetadata.TryParse((string)call.Json["view"]!["private_metadata"]!)
            .ShouldBe(new FormMetadata(FormIds.Vote, "payments/42", "C0CLINIC", "1699999999.000001", "1700000000.000100"));
    }

    [Fact]
    public async Task BlockAction_InsideAModal_PushesTheNextFormAndTakesThePlaceFromTheModal()
    {
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("Note"));

        await Interact(BlockActions("note", "payments/42", containerType: "view"));

        _app.Api.CallsTo("views.push").ShouldHaveSingleItem();
        _app.Api.CallsTo("views.open").ShouldBeEmpty();
        _app.Conversation.Received.Single().Place.ChannelId.ShouldBe("C0CLINIC");
    }

    [Fact]
    public async Task RunCommandButton_ReRunsTheCommandWithAFreshTriggerId()
    {
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("New bug"));

        await Interact(BlockActions("slack_run_command", "new bug"));

        _app.Conversation.Received.Single().Intent.ShouldBe(new CommandIntent("new bug"));
        _app.Api.CallsTo("views.open").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Identity_ComesFromThePayloadUser_EvenWhenFormValuesClaimAnother()
    {
        _app.Conversation.Script = _ => NoOutcome.Instance;

        await Interact(BlockActions("finalize", "payments/42"), F("user_id", "U0BOSS"), F("user_name", "boss"), F("team_id", "TEVIL"));

        var interaction = _app.Conversation.Received.ShouldHaveSingleItem();
        interaction.Actor.UserId.ShouldBe("U0VOTER1");
        interaction.Place.Workspace.ShouldBe("T0001");
    }

    [Fact]
    public async Task ViewSubmission_WithErrors_AnswersErrorsKeyedByBlockId()
    {
        var form = SampleViews.Form("x") with { Errors = [new FieldError("title", "Titles are 3–150 characters."), new FieldError("stream", "Pick a stream.")] };
        _app.Conversation.Script = _ => new FormErrorsOutcome(form);

        var response = await Interact(ViewSubmission(new FormMetadata(FormIds.Intake, null, "C1", null), IntakeValues()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string)json["response_action"]!).ShouldBe("errors");
        ((string)json["errors"]!["title"]!).ShouldBe("Titles are 3–150 characters.");
        ((string)json["errors"]!["stream"]!).ShouldBe("Pick a stream.");
    }

    [Fact]
    public async Task ViewSubmission_ReadsEveryInputKind_AndTheFormsPlaceFromItsMetadata()
    {
        _app.Conversation.Script = _ => new CloseFormOutcome(new TextView("TRI-43 reported."));

        var response = await Interact(ViewSubmission(new FormMetadata(FormIds.Intake, "src:C9/1700.5", "C0INTAKE", "1700.4"), IntakeValues()));

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string)json["response_action"]!).ShouldBe("update");
        json["view"]!["blocks"]!.ToJsonString().ShouldContain("TRI-43 reported.");
        var interaction = _app.Conversation.Received.ShouldHaveSingleItem();
        var intent = interaction.Intent.ShouldBeOfType<FormSubmitIntent>();
        intent.FormId.ShouldBe(FormIds.Intake);
        intent.Argument.ShouldBe("src:C9/1700.5");
        intent.Values.ShouldBe(new Dictionary<string, string>
        {
            ["title"] = "Checkout <!channel> fails",
            ["description"] = "",
            ["stream"] = "bug",
            ["wau"] = "7.5",
            ["due"] = "2026-12-24",
            ["gate"] = "true",
        }, ignoreOrder: true);
        interaction.Place.ChannelId.ShouldBe("C0INTAKE");
        interaction.Place.ThreadId.ShouldBe("1700.4");
        _app.Api.CallsTo("chat.postEphemeral").ShouldBeEmpty("the confirmation replaces the modal in the answer");
        var confirmation = json["view"]!.AsObject();
        ((string)confirmation["type"]!).ShouldBe("modal");
        confirmation["submit"].ShouldBeNull();
        FormMetadata.TryParse((string?)confirmation["private_metadata"]).ShouldBe(new FormMetadata(FormIds.Intake, "src:C9/1700.5", "C0INTAKE", "1700.4"));
    }

    [Fact]
    public async Task ViewSubmission_UpdateCard_UpdatesTheMessageTheFormWasOpenedFrom()
    {
        _app.Conversation.Script = _ => new UpdateCardOutcome(new TextView("3 voted"));

        await Interact(ViewSubmission(new FormMetadata(FormIds.Vote, "payments/42", "C0CLINIC", "1699.1", "1700.9"), []));

        var update = _app.Api.CallsTo("chat.update").ShouldHaveSingleItem();
        ((string)update.Json["ts"]!).ShouldBe("1700.9");
        ((string)update.Json["channel"]!).ShouldBe("C0CLINIC");
    }

    [Fact]
    public async Task ViewClosed_IsAcknowledgedAndIgnored()
    {
        var response = await Interact(new JsonObject { ["type"] = "view_closed", ["user"] = User(), ["team"] = new JsonObject { ["id"] = "T0001" }, ["view"] = new JsonObject { ["id"] = "V1" }, ["is_cleared"] = false });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task MessageShortcut_ReportsTheMessageWithItsPermalink_BuiltFromTheWorkspaceDomain_AndOpensTheForm()
    {
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("Report"));
        var payload = new JsonObject
        {
            ["type"] = "message_action",
            ["callback_id"] = "report_to_triage",
            ["trigger_id"] = "trigger-3",
            ["user"] = User(),
            ["team"] = new JsonObject { ["id"] = "T0001", ["domain"] = "acme" },
            ["channel"] = new JsonObject { ["id"] = "C0SUPPORT", ["name"] = "support" },
            ["message_ts"] = "1700000123.000200",
            ["message"] = new JsonObject { ["type"] = "message", ["ts"] = "1700000123.000200", ["text"] = "The bot answered in French again", ["user"] = "U0CUSTOMER" },
            ["response_url"] = "https://hooks.slack.com/app/1/2/3",
        };

        var response = await Interact(payload);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var intent = _app.Conversation.Received.ShouldHaveSingleItem().Intent.ShouldBeOfType<ReportMessageIntent>();
        intent.MessageText.ShouldBe("The bot answered in French again");
        intent.Source.ShouldBe(new MessageSource(Platform.Slack, "C0SUPPORT", "1700000123.000200", "https://acme.slack.com/archives/C0SUPPORT/p1700000123000200"));
        _app.Api.CallsTo("chat.getPermalink").ShouldBeEmpty();
        ((string)_app.Api.CallsTo("views.open").Single().Json["trigger_id"]!).ShouldBe("trigger-3");
    }

    [Theory]
    [InlineData("acme", "C0SUPPORT", "1700000123.000200", "https://acme.slack.com/archives/C0SUPPORT/p1700000123000200")]
    [InlineData(null, "C0SUPPORT", "1700000123.000200", null)]
    [InlineData("evil.com/x?", "C0SUPPORT", "1700000123.000200", null)]
    [InlineData("acme", "C0/../x", "1700000123.000200", null)]
    [InlineData("acme", "C0SUPPORT", "1700000123", null)]
    public void Permalink_IsBuiltOnlyFromPartsOfSlacksShape(string? domain, string channel, string ts, string? expected) =>
        TriageBot.Slack.Endpoints.Permalink.Build(domain, channel, ts).ShouldBe(expected);

    [Fact]
    public async Task MessageShortcut_WhenThePermalinkFails_StillReportsWithoutALink()
    {
        _app.Api.Answer("chat.getPermalink", FakeAnswer.Error("channel_not_found"));
        _app.Conversation.Script = _ => NoOutcome.Instance;
        var payload = new JsonObject
        {
            ["type"] = "message_action", ["callback_id"] = "report_to_triage", ["trigger_id"] = "t", ["user"] = User(),
            ["team"] = new JsonObject { ["id"] = "T0001" }, ["channel"] = new JsonObject { ["id"] = "C0SUPPORT" },
            ["message_ts"] = "1700.2", ["message"] = new JsonObject { ["ts"] = "1700.2", ["text"] = "hi" },
        };

        await Interact(payload);

        _app.Conversation.Received.Single().Intent.ShouldBeOfType<ReportMessageIntent>().Source!.Link.ShouldBeNull();
    }

    [Fact]
    public async Task GlobalShortcut_NewItem_ReportsWithNoMessage()
    {
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("New item"));

        await Interact(new JsonObject { ["type"] = "shortcut", ["callback_id"] = "new_item", ["trigger_id"] = "trigger-4", ["user"] = User(), ["team"] = new JsonObject { ["id"] = "T0001" } });

        var interaction = _app.Conversation.Received.ShouldHaveSingleItem();
        interaction.Intent.ShouldBe(new ReportMessageIntent(null, null));
        interaction.Place.ChannelId.ShouldBe("");
        _app.Api.CallsTo("views.open").ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    public async Task MalformedPayload_Is400(string payload)
    {
        var response = await _app.PostFormAsync("/slack/interactivity", [F("payload", payload)]);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task MissingPayloadField_Is400()
    {
        var response = await _app.PostFormAsync("/slack/interactivity", [F("user_id", "U1")]);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("payload");
    }

    [Fact]
    public async Task UnknownInteractionType_Is400WithItsName()
    {
        var response = await Interact(new JsonObject { ["type"] = "dialog_submission", ["user"] = User() });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("dialog_submission");
    }

    [Fact]
    public async Task HandlerFailure_IsAcknowledgedWithAPrivateApology_NotA500()
    {
        _app.Conversation.Script = _ => throw new InvalidOperationException("boom");

        var response = await Interact(BlockActions("reveal", "payments/42"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ((string)_app.Api.CallsTo("chat.postEphemeral").Single().Json["text"]!).ShouldContain("Sorry");
    }

    // ---- events ---------------------------------------------------------------------------

    private static JsonObject Envelope(string eventId, JsonObject inner) => new()
    {
        ["token"] = "deprecated",
        ["team_id"] = "T0001",
        ["api_app_id"] = "A1",
        ["event"] = inner,
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1700000000,
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = "T0001", ["user_id"] = "U0BOT", ["is_bot"] = true, ["is_enterprise_install"] = false }),
    };

    private static JsonObject Mention(string text, string user = "U0ADA001") => new()
    {
        ["type"] = "app_mention", ["user"] = user, ["text"] = text, ["ts"] = "1700.7", ["channel"] = "C0TRIAGE", ["event_ts"] = "1700.7",
    };

    [Fact]
    public async Task UrlVerification_EchoesTheChallenge()
    {
        var response = await _app.PostJsonAsync("/slack/events", """{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!).ShouldBe("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    }

    [Fact]
    public async Task AppMention_IsACommandWithoutTheMention_AndARetryOfTheSameEventIsHandledOnce()
    {
        _app.Conversation.Script = _ => new ReplyOutcome(new TextView("Here is TRI-42"), Private: true);
        _app.Api.DisplayNames["U0ADA001"] = "Ada Lovelace";
        var body = Envelope("Ev0MENTION1", Mention("<@U0BOT> show TRI-42")).ToJsonString();

        var first = await _app.PostJsonAsync("/slack/events", body);
        var retry = await _app.PostJsonAsync("/slack/events", body, new Dictionary<string, string> { [SlackRequestHeaders.RetryNum] = "1", ["X-Slack-Retry-Reason"] = "http_timeout" });

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        await SlackTestApp.WaitUntilAsync(() => _app.Outbox.Enqueued.Count >= 1, "the reply to be queued");
        var interaction = _app.Conversation.Received.ShouldHaveSingleItem();
        interaction.Intent.ShouldBe(new CommandIntent("show TRI-42"));
        interaction.Actor.ShouldBe(new UserRef(Platform.Slack, "U0ADA001", "Ada Lovelace"));
        interaction.Place.ChannelId.ShouldBe("C0TRIAGE");
        interaction.Place.Workspace.ShouldBe("T0001");
        var reply = _app.Outbox.Enqueued.ShouldHaveSingleItem();
        reply.Kind.ShouldBe(OutboxKind.Ephemeral);
        reply.Target.UserId.ShouldBe("U0ADA001");
        reply.Target.ChannelId.ShouldBe("C0TRIAGE");
    }

    [Fact]
    public async Task BotAndEditedMessages_AreIgnored_WhilePeoplesMessagesAreHandled()
    {
        _app.Conversation.Script = _ => NoOutcome.Instance;
        var fromBot = Mention("<@U0BOT> help");
        fromBot["bot_id"] = "B1";
        var edited = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["subtype"] = "message_changed", ["channel"] = "D1", ["user"] = "U0ADA001", ["text"] = "help" };
        var self = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = "D1", ["user"] = "U0BOT", ["text"] = "help" };
        var person = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = "D1", ["user"] = "U0ADA001", ["text"] = "list bug" };

        foreach (var (id, e) in new[] { ("Ev1", fromBot), ("Ev2", edited), ("Ev3", self), ("Ev4", person) })
        {
            (await _app.PostJsonAsync("/slack/events", Envelope(id, e).ToJsonString())).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Events are handled in order, so once the last one is in, the others were looked at and dropped.
        await SlackTestApp.WaitUntilAsync(() => _app.Conversation.Received.Count >= 1, "the person's DM to be handled");
        _app.Conversation.Received.ShouldHaveSingleItem().Intent.ShouldBe(new CommandIntent("list bug"));
    }

    [Fact]
    public async Task DirectMessage_AskingForAForm_GetsAButtonThatReRunsTheCommand()
    {
        _app.Conversation.Script = _ => new OpenFormOutcome(SampleViews.Form("New bug"));
        var dm = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = "D0ADA", ["user"] = "U0ADA001", ["text"] = "new bug", ["ts"] = "1.1" };

        await _app.PostJsonAsync("/slack/events", Envelope("EvDM", dm).ToJsonString());

        await SlackTestApp.WaitUntilAsync(() => _app.Outbox.Enqueued.Count >= 1, "the prompt to be queued");
        var prompt = _app.Outbox.Enqueued.Single();
        prompt.Kind.ShouldBe(OutboxKind.Post);
        prompt.Target.ChannelId.ShouldBe("D0ADA");
        var button = prompt.ToView().ShouldBeOfType<TextView>().Actions.ShouldHaveSingleItem();
        button.ActionId.ShouldBe("slack_run_command");
        button.Argument.ShouldBe("new bug");
    }

    [Fact]
    public async Task BotJoiningAChannel_QueuesAWelcome()
    {
        var joined = new JsonObject { ["type"] = "member_joined_channel", ["user"] = "U0BOT", ["channel"] = "C0NEW", ["channel_type"] = "C", ["team"] = "T0001" };

        await _app.PostJsonAsync("/slack/events", Envelope("EvJoin", joined).ToJsonString());

        await SlackTestApp.WaitUntilAsync(() => _app.Outbox.Enqueued.Count >= 1, "the welcome to be queued");
        var welcome = _app.Outbox.Enqueued.Single();
        welcome.Kind.ShouldBe(OutboxKind.Post);
        welcome.Target.ChannelId.ShouldBe("C0NEW");
        welcome.Target.Workspace.ShouldBe("T0001");
        welcome.ToView().ShouldBeOfType<WelcomeView>().Actions.Single().ActionId.ShouldBe(ButtonIds.Setup);
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task UnknownInnerEvent_IsAcknowledgedAndIgnored()
    {
        var response = await _app.PostJsonAsync("/slack/events", Envelope("EvX", new JsonObject { ["type"] = "reaction_added", ["user"] = "U1" }).ToJsonString());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Nothing to de-duplicate: a retry of it is ignored again.
        _app.Inbox.Recorded.ShouldNotContain("Slack:EvX");
        _app.Conversation.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{oops")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event":{"type":"app_mention"}}""")]
    [InlineData("""{"type":"something_new"}""")]
    public async Task MalformedOrUnknownEventsRequest_Is400(string body)
    {
        var response = await _app.PostJsonAsync("/slack/events", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        _app.Conversation.Received.ShouldBeEmpty();
    }
}
