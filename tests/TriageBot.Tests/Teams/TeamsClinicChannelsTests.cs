using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Scheduling;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// A scheduled clinic posts its ballots in every channel with the clinic role (issue 19, posts stay true): through the real host
/// and the scheduler, a vote and the finalize update the ballot in each channel, not only in the last one posted.
/// </summary>
public sealed class TeamsClinicChannelsTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private const string SecondChannelId = "19:triage-channel-0002@thread.tacv2";
    private static readonly Dictionary<string, string> Threes = new() { ["impact"] = "3", ["confidence"] = "3", ["rollback"] = "2", ["delay"] = "2" };

    [Fact]
    public async Task AClinicPostedInTwoChannels_KeepsBothBallotsTrue_ThroughAVoteAndTheFinalize()
    {
        var backlogId = await SetUpAsync(People.Ada);
        // The backlog's second channel in the team (as a second setup that joins the backlog leaves it).
        var binding = (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct)).ShouldNotBeNull();
        await P.Store.Bindings.UpsertAsync(binding with { Address = binding.Address with { ChannelId = SecondChannelId } }, Ct);
        var (post, form) = await CommandFormAsync(People.Grace, "new bug");
        await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(People.Grace, post, form, new Dictionary<string, string> { ["title"] = "Answers cite deleted pages" }))
            .ShouldContain("Reported TRI-1"));

        // Wednesday 25 November 2026, 14:00 in Berlin: the first clinic of the fortnight, posted by the scheduler.
        P.Time.SetUtcNow(new DateTimeOffset(2026, 11, 25, 13, 1, 0, TimeSpan.Zero));
        var clinic = await DeliveredAsync(() => P.Services.GetRequiredService<CeremonyScheduler>().TickAsync(CancellationToken.None));
        var ballots = clinic.Where(p => p.Call.Method == "POST" && p.Text.Contains("Scoring TRI-1", StringComparison.Ordinal)).ToList();
        ballots.Select(b => b.Conversation!.Split(';')[0]).ShouldBe([TeamsProduct.ChannelId, SecondChannelId], ignoreOrder: true);

        // Grace votes from the first channel's ballot: both ballots name her.
        var first = ballots.Single(b => b.Conversation!.StartsWith(TeamsProduct.ChannelId, StringComparison.Ordinal));
        var vote = await OpenFormAsync(People.Grace, first, "vote");
        var voted = await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(People.Grace, first, vote, Threes)));
        foreach (var ballot in ballots)
        {
            voted.Single(u => u.Call.Method == "PUT" && u.Call.Path.EndsWith("/activities/" + ballot.ActivityId, StringComparison.Ordinal))
                .Text.ShouldContain(People.Grace.Name, customMessage: $"the ballot in {ballot.Conversation} was not updated by the vote");
        }

        // Ada finalizes from the second channel's ballot: both show the result.
        var second = ballots.Single(b => b.Conversation!.StartsWith(SecondChannelId, StringComparison.Ordinal));
        var finalize = await OpenFormAsync(People.Ada, await MyViewAsync(People.Ada, second), "finalize");
        var finalized = await DeliveredAsync(async () => await SubmitAsync(People.Ada, second, finalize, new Dictionary<string, string>()));
        foreach (var ballot in ballots)
        {
            finalized.Single(u => u.Call.Method == "PUT" && u.Call.Path.EndsWith("/activities/" + ballot.ActivityId, StringComparison.Ordinal))
                .Text.ShouldContain("Finalized: total", customMessage: $"the ballot in {ballot.Conversation} does not show the result");
        }

        (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value.Score.ShouldNotBeNull();
        await P.ShouldAllBeValidCardsAsync();
    }
}
