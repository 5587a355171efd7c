using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Tests.Telemetry;

public sealed class ConversationMetricsTests : IDisposable
{
    private readonly TestHost _host = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task ReportingAnItemAndVotingOnIt_AreCounted_ThroughTheHostsConversation()
    {
        _ = _host.CreateClient();
        var store = _host.Services.GetRequiredService<ITriageStore>();
        var conversation = _host.Services.GetRequiredService<IConversation>();
        var ana = new UserRef(Platform.Slack, "U01", "Ana");
        var place = new ConversationAddress { Platform = Platform.Slack, Workspace = "T1", ChannelId = "C1" };
        await store.Backlogs.TryCreateAsync(new Backlog { Id = "payments", Name = "Payments", CreatedAt = _host.Time.GetUtcNow() }, Ct);
        await store.Bindings.UpsertAsync(new Binding { Address = place, BacklogId = "payments" }, Ct);
        await store.Members.UpsertAsync(new Member("payments", ana, Role.Facilitator), Ct);
        using var metrics = new MetricRecorder(_host.Services);

        var created = await conversation.HandleAsync(new Interaction(ana, place,
            new FormSubmitIntent(FormIds.Intake, null, new Dictionary<string, string> { [Forms.StreamField] = "bug", [FieldIds.Title] = "Checkout button stays grey" }),
            _host.Time.GetUtcNow()), Ct);
        var voted = await conversation.HandleAsync(new Interaction(ana, place,
            new FormSubmitIntent(FormIds.Vote, "payments/1", new Dictionary<string, string>
            {
                [FieldIds.ImpactScore] = "3", [FieldIds.ConfidenceScore] = "2", [FieldIds.RollbackScore] = "2", [FieldIds.DelayScore] = "1",
            }), _host.Time.GetUtcNow()), Ct);

        created.ShouldNotBeOfType<ReplyOutcome>();
        voted.ShouldBeOfType<CloseFormOutcome>();
        metrics.Sum("triagebot.items.created", ("stream", "bug"), ("source", "slack")).ShouldBe(1);
        metrics.Sum("triagebot.votes", ("stream", "bug")).ShouldBe(1);
    }
}
