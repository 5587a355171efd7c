using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Conversation;
using static TriageBot.Tests.Hostile.SlackWire;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// An event still being handled when its answer is due is answered 503, never acknowledged: Slack retries it, and each
/// retry is answered by how the first handling ended — handled (200), still running (503), or failed and forgotten
/// (handled now). So an event that is slow and then fails is retried instead of lost.
/// </summary>
public sealed class SlowEventTests
{
    /// <summary>Holds every command containing "slow" until the test lets it go, then fails it or lets it through.</summary>
    private sealed class GatedConversation(IConversation inner) : IConversation
    {
        public TaskCompletionSource<bool> Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Held;

        public async Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
        {
            if (interaction.Intent is CommandIntent { Text: var text } && text.Contains("slow", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref Held);
                if (!await Gate.Task)
                {
                    throw new InvalidOperationException("The slow handling failed (injected by the test).");
                }

                return await inner.HandleAsync(interaction with { Intent = new CommandIntent("report weekly") }, ct);
            }

            return await inner.HandleAsync(interaction, ct);
        }
    }

    private static async Task<(SlackHost Host, GatedConversation Gate)> StartAsync()
    {
        GatedConversation? gate = null;
        var h = await SlackHost.StartAsync(b =>
        {
            b.UseSetting("Slack:EventAckBudget", "00:00:00.200");
            b.ConfigureTestServices(s => s.AddSingleton<IConversation>(sp => gate = new GatedConversation(sp.GetRequiredService<TriageBot.Core.UseCases.TriageCore>().Conversation)));
        });
        await SetUpChannelAsync(h);
        _ = h.Services.GetRequiredService<IConversation>();
        return (h, gate!);
    }

    private static Dictionary<string, string> Retry(int n) => new() { ["X-Slack-Retry-Num"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture), ["X-Slack-Retry-Reason"] = "http_error" };

    [Fact]
    public async Task SlowEventThatThenFails_IsAnswered503_ItsRetriesWaitForIt_AndTheRetryAfterTheFailureIsHandledOnce()
    {
        var (h, gate) = await StartAsync();
        await using var _ = h;
        var mention = Mention("EvSLOW1", Ada, "slow weekly");

        (await h.EventAsync(mention)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "still running at the budget: not acknowledged");
        gate.Held.ShouldBe(1);
        // Slack's first retry comes at once, while the first delivery is still being handled.
        (await h.EventAsync(mention, Retry(1))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        gate.Held.ShouldBe(1, "a retry is not handled while the first delivery is");

        var forgotten = Eventually.Async(async () => await h.Store.Inbox.GetAsync(Core.Items.Platform.Slack, "EvSLOW1", DateTimeOffset.UtcNow, default) is null ? "" : null,
            "the failed event to be forgotten");
        gate.Gate.SetResult(false);
        await forgotten;

        // The retry a minute later is handled, and the report it asked for is posted once.
        gate.Gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.Gate.SetResult(true);
        (await h.EventAsync(mention, Retry(2))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.EventAsync(mention, Retry(3))).StatusCode.ShouldBe(HttpStatusCode.OK, "handled: a later retry is a duplicate");
        await h.WaitForAsync("chat.update", c => Mentions(c, "Weekly stream review"), "the weekly report (its acknowledgement updated)");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "Preparing the weekly report")).ShouldBe(1);
        h.Api.CallsTo("chat.update").Count(c => Mentions(c, "Weekly stream review")).ShouldBe(1);
        gate.Held.ShouldBe(2);
    }

    [Fact]
    public async Task SlowEventThatThenSucceeds_IsAnswered503_AndItsLaterRetriesAreDuplicates()
    {
        var (h, gate) = await StartAsync();
        await using var _ = h;
        var mention = Mention("EvSLOW2", Ada, "slow weekly");

        (await h.EventAsync(mention)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        gate.Gate.SetResult(true);
        await Eventually.Async(async () => await h.Store.Inbox.GetAsync(Core.Items.Platform.Slack, "EvSLOW2", DateTimeOffset.UtcNow, default) is { Handled: true } ? "" : null,
            "the event to be marked handled");

        (await h.EventAsync(mention, Retry(1))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await h.WaitForAsync("chat.update", c => Mentions(c, "Weekly stream review"), "the weekly report (its acknowledgement updated)");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "Preparing the weekly report")).ShouldBe(1);
        h.Api.CallsTo("chat.update").Count(c => Mentions(c, "Weekly stream review")).ShouldBe(1);
        gate.Held.ShouldBe(1);
    }

    [Fact]
    public async Task EventRecordedLongAgoAndNeverFinished_IsHandledByItsRetry()
    {
        var (h, gate) = await StartAsync();
        await using var _ = h;
        gate.Gate.SetResult(true);
        var recordedAt = DateTimeOffset.UtcNow.AddMinutes(-3);
        // The instance that recorded it stopped before it finished: the row says recorded, not handled.
        (await h.Store.Inbox.TryRecordAsync(Core.Items.Platform.Slack, "EvLOST1", recordedAt, default)).ShouldBeTrue();

        (await h.EventAsync(Mention("EvLOST1", Ada, "slow weekly"), Retry(2))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await h.WaitForAsync("chat.update", c => Mentions(c, "Weekly stream review"), "the weekly report (its acknowledgement updated)");
        (await h.Store.Inbox.GetAsync(Core.Items.Platform.Slack, "EvLOST1", DateTimeOffset.UtcNow, default)).ShouldNotBeNull().Handled.ShouldBeTrue();
    }
}
