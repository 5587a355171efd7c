using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Slack.SocketMode;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Tests.Hostile;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// Socket Mode through the real host: the fake Slack answers <c>apps.connections.open</c> with the URL of its own
/// WebSocket server on loopback, which says hello, sends envelopes and disconnects, and records every acknowledgement.
/// </summary>
public sealed class SocketModeTests
{
    public const string AppToken = "xapp-1-A0E2E-1-0123456789abcdef0123456789abcdef";

    public static Task<SlackHost> StartAsync(Action<IWebHostBuilder>? configure = null, FakeSlackApi? sharedApi = null, string reconnectDelay = "00:00:00.050", string maxDelay = "00:00:01") =>
        SlackHost.StartAsync(b =>
        {
            b.UseSetting("Slack:AppToken", AppToken);
            b.UseSetting("Slack:SocketReconnectDelay", reconnectDelay);
            b.UseSetting("Slack:SocketReconnectMaxDelay", maxDelay);
            configure?.Invoke(b);
        }, sharedApi);

    /// <summary>A slash command's payload as Socket Mode carries it: the HTTP form's fields as a JSON object.</summary>
    public static JsonObject CommandPayload(SlackHost h, SlackPerson who, string text, string channel = Channel) =>
        new(SlackWire.CommandFields(who, text, channel, h.NextTrigger()).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));

    private static async Task<string> HealthAsync(SlackHost h) => await (await h.Client.GetAsync("/health")).Content.ReadAsStringAsync();

    private static async Task WaitForHealthAsync(SlackHost h, string expected)
    {
        var last = "";
        await Eventually.Async(async () => (last = await HealthAsync(h)).Contains(expected, StringComparison.Ordinal) ? last : null, $"/health to say '{expected}' (last: {last})");
    }

    [Fact]
    public async Task WithAnAppToken_TheHostOpensTheSocketWithThatToken_AndHealthShowsItConnected()
    {
        await using var h = await StartAsync();

        var connection = await h.Api.Socket.ConnectionAsync(1);
        var open = (await h.WaitForCallsAsync("apps.connections.open", 1)).ShouldHaveSingleItem();
        open.Authorization.ShouldBe("Bearer " + AppToken);
        open.Body.ShouldNotContain("xapp-", Case.Sensitive, "the app token goes in the Authorization header, never a form field");
        connection.Ticket.ShouldBe("ticket-1");
        await WaitForHealthAsync(h, "slack-socket: Healthy - Slack Socket Mode connected since");
        (await h.Client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        h.Api.Socket.OpenNow.ShouldBe(1);
    }

    [Fact]
    public async Task ASlashCommandOverTheSocket_IsAcknowledgedWithinThreeSeconds_WithTheReplyTheHttpEndpointAnswersInItsBody()
    {
        await using var h = await StartAsync();
        var connection = await h.Api.Socket.ConnectionAsync(1);
        await WaitForHealthAsync(h, "connected");

        var overHttp = await JsonBody(await h.CommandAsync(Ada, "help"));
        var id = await connection.SendEnvelopeAsync("slash_commands", CommandPayload(h, Ada, "help"));
        var (ack, after) = await connection.AckAsync(id);

        ((string?)ack["envelope_id"]).ShouldBe(id);
        var payload = ack["payload"].ShouldNotBeNull().AsObject();
        ((string?)payload["response_type"]).ShouldBe("ephemeral");
        JsonNode.DeepEquals(payload, overHttp).ShouldBeTrue($"socket: {payload.ToJsonString()}\nhttp: {overHttp?.ToJsonString()}");
        after.ShouldBeLessThan(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task WithoutASigningSecret_TheSocketAloneSetsUpAChannelAndReportsAnItem_AndAModalWithAnErrorIsRefusedInTheAck()
    {
        await using var h = await StartAsync(b => b.UseSetting("Slack:SigningSecret", ""));
        var socket = await h.Api.Socket.ConnectionAsync(1);
        (await h.CommandAsync(Ada, "setup")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "without a secret the HTTP endpoints refuse everything");

        await socket.AckAsync(await socket.SendEnvelopeAsync("slash_commands", CommandPayload(h, Ada, "setup")));
        var setup = await h.OpenedModalAsync(1);
        var setUp = await socket.AckAsync(await socket.SendEnvelopeAsync("interactive",
            SlackWire.Submission(Ada, setup, new Dictionary<string, string?> { ["name"] = "Payments", ["timeZone"] = "Europe/Berlin" })));
        Confirmed(setUp.Ack["payload"]?.AsObject()).ShouldContain("now belongs to Payments");

        await socket.AckAsync(await socket.SendEnvelopeAsync("slash_commands", CommandPayload(h, Members[0], "new bug")));
        var intake = await h.OpenedModalAsync(2);
        var (refused, refusedAfter) = await socket.AckAsync(await socket.SendEnvelopeAsync("interactive",
            SlackWire.Submission(Members[0], intake, new Dictionary<string, string?> { ["title"] = "ab", ["reproSteps"] = "Open checkout" })));
        var errors = refused["payload"].ShouldNotBeNull().AsObject();
        ((string?)errors["response_action"]).ShouldBe("errors");
        errors["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["title"]);
        refusedAfter.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        (await ItemsAsync(h.Store)).ShouldBeEmpty();

        var accepted = await socket.AckAsync(await socket.SendEnvelopeAsync("interactive",
            SlackWire.Submission(Members[0], intake, new Dictionary<string, string?> { ["title"] = "Checkout button does nothing", ["reproSteps"] = "Open checkout" })));
        Confirmed(accepted.Ack["payload"]?.AsObject()).ShouldContain("Reported TRI-1: Checkout button does nothing");
        (await ItemsAsync(h.Store)).ShouldHaveSingleItem().Title.ShouldBe("Checkout button does nothing");
    }

    [Fact]
    public async Task AnEventOrCommandSlackSendsAgain_IsAcknowledgedEachTime_ButActedOnOnce()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        var socket = await h.Api.Socket.ConnectionAsync(1);
        var posts = () => h.Api.CallsTo("chat.postMessage").Count + h.Api.CallsTo("chat.postEphemeral").Count;
        var before = posts();

        var mention = SlackWire.Mention("Ev-socket-1", Members[0], "help");
        var first = await socket.SendEnvelopeAsync("events_api", mention);
        await socket.SendEnvelopeAsync("events_api", mention, envelopeId: first);
        await socket.AckAsync(first, 2);
        // Slack's retry of the event comes in a new envelope (after a missed ack, say): the inbox knows its event_id.
        var retried = await socket.SendEnvelopeAsync("events_api", mention, retryAttempt: 1);
        foreach (var (id, nth) in new[] { (first, 1), (first, 2), (retried, 1) })
        {
            var (ack, _) = await socket.AckAsync(id, nth);
            ack["payload"].ShouldBeNull("an event's acknowledgement carries no payload");
        }

        var command = CommandPayload(h, Members[1], "new feature");
        var commandId = await socket.SendEnvelopeAsync("slash_commands", command);
        await socket.SendEnvelopeAsync("slash_commands", command, envelopeId: commandId);
        await socket.AckAsync(commandId, 2);

        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 && posts() > before ? "" : null, "the answer to the mention to be sent");
        posts().ShouldBe(before + 1, "the mention is answered once");
        h.Api.CallsTo("views.open").Count.ShouldBe(2, "the setup form, then the feature form once");
    }

    [Theory]
    [InlineData("refresh_requested")]
    [InlineData("warning")]
    public async Task WhenSlackAsksToDisconnect_ANewConnectionOpensBeforeTheOldOneClosesCleanly(string reason)
    {
        await using var h = await StartAsync();
        var old = await h.Api.Socket.ConnectionAsync(1);
        await WaitForHealthAsync(h, "connected");

        await old.SendDisconnectAsync(reason);
        var fresh = await h.Api.Socket.ConnectionAsync(2);
        await old.Closed.WaitAsync(TimeSpan.FromSeconds(15));

        old.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        h.Api.Socket.MaxOpenAtOnce.ShouldBe(2, "the new connection opened while the old one still served");
        fresh.Ticket.ShouldNotBe(old.Ticket, "each connection asks apps.connections.open for its own URL");
        var id = await fresh.SendEnvelopeAsync("slash_commands", CommandPayload(h, Ada, "help"));
        (await fresh.AckAsync(id)).Ack["payload"].ShouldNotBeNull();
        await WaitForHealthAsync(h, "connected");
        h.Api.Socket.OpenNow.ShouldBe(1);
    }

    [Fact]
    public async Task ADroppedConnection_IsReopenedWithBackoffThroughFailures_AndHealthSaysReconnectingMeanwhile()
    {
        await using var h = await StartAsync(reconnectDelay: "00:00:00.400");
        var dropped = await h.Api.Socket.ConnectionAsync(1);
        await WaitForHealthAsync(h, "connected");
        h.Api.Answer("apps.connections.open", FakeAnswer.ServerError(503));
        h.Api.Answer("apps.connections.open", FakeAnswer.Error("internal_error"));

        dropped.Drop();

        await WaitForHealthAsync(h, "slack-socket: Degraded - Slack Socket Mode reconnecting");
        var back = await h.Api.Socket.ConnectionAsync(2);
        await WaitForHealthAsync(h, "slack-socket: Healthy - Slack Socket Mode connected");
        var opens = h.Api.CallsTo("apps.connections.open");
        opens.Select(c => c.Status).ShouldBe([200, 503, 200, 200]);
        for (var i = 2; i < opens.Count; i++)
        {
            (opens[i].At - opens[i - 1].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150), "a pause (half the first delay at least) between attempts");
        }

        (await back.AckAsync(await back.SendEnvelopeAsync("slash_commands", CommandPayload(h, Ada, "help")))).Ack["payload"].ShouldNotBeNull();
    }

    [Fact]
    public async Task TheConnectionIsRenewedBeforeTheLifetimeItsHelloAnnounced_WithoutSlackAsking()
    {
        await using var api = await FakeSlackApi.StartAsync();
        api.Socket.ApproximateConnectionTimeSeconds = 6;
        await using var h = await StartAsync(sharedApi: api);
        var first = await api.Socket.ConnectionAsync(1);

        var second = await api.Socket.ConnectionAsync(2, TimeSpan.FromSeconds(15));

        (second.OpenedAt - first.OpenedAt).ShouldBeLessThan(TimeSpan.FromSeconds(6), "renewed before the 6 s the hello announced (at 5.4 s)");
        (second.OpenedAt - first.OpenedAt).ShouldBeGreaterThan(TimeSpan.FromSeconds(4), "not long before it either");
        await first.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        first.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        second.Ticket.ShouldNotBe(first.Ticket);
    }

    [Fact]
    public async Task LinkDisabled_ClosesTheSocketForGood_AndHealthSaysSlackTurnedSocketModeOff()
    {
        await using var h = await StartAsync();
        var connection = await h.Api.Socket.ConnectionAsync(1);
        await WaitForHealthAsync(h, "connected");

        await connection.SendDisconnectAsync("link_disabled");

        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        connection.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        await WaitForHealthAsync(h, "slack-socket: Unhealthy - Slack Socket Mode disabled");
        (await h.Client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await HealthAsync(h)).ShouldContain("link_disabled");
        h.Api.CallsTo("apps.connections.open").Count.ShouldBe(1, "it does not reconnect to an app whose Socket Mode was turned off");
    }

    [Fact]
    public async Task StoppingTheHostWhileItWaitsToReconnect_StopsCleanly()
    {
        await using var api = await FakeSlackApi.StartAsync();
        var h = await StartAsync(sharedApi: api, reconnectDelay: "00:00:05", maxDelay: "00:00:10");
        var state = h.Services.GetRequiredService<SocketModeState>();
        var dropped = await api.Socket.ConnectionAsync(1);
        await WaitForHealthAsync(h, "connected");

        dropped.Drop();
        await WaitForHealthAsync(h, "reconnecting");
        await h.DisposeAsync();

        state.Status.ShouldBe(SocketModeStatus.Stopped, "the service ended its loop and closed what it had, rather than failing");
        api.CallsTo("apps.connections.open").Count.ShouldBe(1);
    }

    [Fact]
    public async Task StoppingTheHost_ClosesTheSocketWithANormalClose()
    {
        await using var api = await FakeSlackApi.StartAsync();
        var h = await StartAsync(sharedApi: api);
        var connection = await api.Socket.ConnectionAsync(1);
        await WaitForHealthAsync(h, "connected");

        await h.DisposeAsync();

        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        connection.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        api.Socket.OpenNow.ShouldBe(0);
        api.CallsTo("apps.connections.open").Count.ShouldBe(1);
    }
}
