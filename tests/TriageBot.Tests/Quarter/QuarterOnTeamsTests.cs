using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Ports;
using TriageBot.Scheduling;
using TriageBot.Teams.Tests.Fakes;
using TriageBot.Tests.Teams;

namespace TriageBot.Tests.Quarter;

/// <summary>
/// The quarter (<see cref="QuarterScript"/>) on Teams: every human step a Bot Framework activity with a real JWT from the local
/// issuer — messages, dialogs (<c>task/fetch</c>, <c>task/submit</c>) and <c>adaptiveCard/action</c> invokes on the posted cards,
/// the facilitator's own refreshed ballot for Reveal and Finalize — on a test clock, and every post and update read back from
/// the fake Bot Connector.
/// </summary>
public sealed class QuarterOnTeamsTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer), IQuarterTeam
{
    private string _backlogId = "";

    [Fact]
    public async Task AQuarterOnTeams_SixClinics_AnItemLeftUnscoredTwice_TheReadyQueueReScored_WipRefusedThenOverridden_AllocationPublished_AndBothSweepsEndResolved()
    {
        await QuarterScript.LiveAsync(this);
        // Every card of the quarter (closed ballots, decided sweeps included) passes the Adaptive Card 1.5 schema and renderer.
        await P.ShouldAllBeValidCardsAsync();
    }

    public ITriageStore Store => P.Store;

    public string BacklogId => _backlogId;

    private static TeamsPerson Person(Who who) => who switch
    {
        Who.Facilitator => People.Ada,
        Who.Engineer1 => People.Eli,
        Who.Engineer2 => People.Grace,
        _ => People.Barbara,
    };

    public string Name(Who who) => Person(who).Name;

    async Task IQuarterTeam.SetUpAsync(DateTimeOffset at)
    {
        P.Time.SetUtcNow(at);
        _backlogId = await SetUpAsync(People.Ada, "Payments", "Etc/UTC");
        foreach (var engineer in new[] { People.Eli, People.Grace })
        {
            (await Said(CommandAsync(People.Ada, "role {0} engineer", engineer))).ShouldContain($"{engineer.Name} is now an engineer");
        }
    }

    async Task IQuarterTeam.TickAsync(DateTimeOffset at)
    {
        if (at > P.Time.GetUtcNow())
        {
            P.Time.SetUtcNow(at);
        }

        await P.Services.GetRequiredService<CeremonyScheduler>().TickAsync(CancellationToken.None);
        await P.DrainAsync();
    }

    public Task<string> SayAsync(Who who, string text) => Said(CommandAsync(Person(who), text));

    public async Task<string> CommandFormAsync(Who who, string text, IReadOnlyDictionary<string, string> values)
    {
        var (post, form) = await CommandFormAsync(Person(who), text);
        return await SubmitAsync(who, post, form, values);
    }

    public IReadOnlyList<ChannelMessage> Messages => [.. Posts().Select(p => new ChannelMessage(p.ActivityId, p.Text, [.. Cards.Actions(p.Card).Select(ActionId).OfType<string>()]))];

    async Task IQuarterTeam.PressAsync(Who who, ChannelMessage on, string actionId, string? arg)
    {
        var post = Posts().Single(p => p.ActivityId == on.Id);
        if (Find(post.Card, a => a["type"]?.GetValue<string>() == "Action.Execute" && a["verb"]?.GetValue<string>() == actionId, arg) is null)
        {
            post = await MyViewAsync(Person(who), post); // Reveal and Finalize are on the facilitator's own card only
        }

        await P.PostOkAsync(A.Execute(Person(who), post.ThreadConversation, post.ActivityId, Cards.Button(post.Card, actionId, arg)));
        await P.DrainAsync();
    }

    public async Task<string> FormAsync(Who who, ChannelMessage on, string actionId, string? arg, IReadOnlyDictionary<string, string> values)
    {
        var post = Posts().Single(p => p.ActivityId == on.Id);
        var data = Dialog(post.Card, actionId, arg);
        if (data is null)
        {
            post = await MyViewAsync(Person(who), post);
            data = Dialog(post.Card, actionId, arg).ShouldNotBeNull($"no '{actionId}' on {Person(who).Name}'s card: {post.Card.ToJsonString()}");
        }

        var form = Cards.DialogCard(await P.PostOkAsync(A.TaskFetch(Person(who), post.ThreadConversation, post.ActivityId, data)));
        if (data["actionId"]?.GetValue<string>() == TriageBot.Teams.Cards.RowPicker.ActionId)
        {
            // Many rows: the one "Decide…" opened a dialog to pick the row; picking it continues with the row's form.
            var pick = Cards.Actions(form).Single(a => a["data"]?["actionId"]?.GetValue<string>() == actionId);
            var picked = Cards.Fill(form, pick, new Dictionary<string, string> { ["arg"] = arg.ShouldNotBeNull() });
            form = Cards.DialogCard(await P.PostOkAsync(A.TaskSubmit(Person(who), post.ThreadConversation, picked)));
        }

        return await SubmitAsync(who, post, form, values);
    }

    private async Task<string> SubmitAsync(Who who, PostedCard on, JsonObject form, IReadOnlyDictionary<string, string> values)
    {
        var answer = Cards.DialogMessage(await SubmitAsync(Person(who), on, form, values));
        await P.DrainAsync();
        return answer;
    }

    /// <summary>
    /// What the dialog button for <paramref name="actionId"/> sends: its own data (the row's button when there are few rows), or the
    /// one "Decide…" whose dialog picks the row (many rows); null when the card has no such button.
    /// </summary>
    private static JsonObject? Dialog(JsonObject card, string actionId, string? arg)
    {
        static bool IsDialog(JsonObject a, string id) => a["type"]?.GetValue<string>() == "Action.Submit"
            && a["data"]?["msteams"]?["type"]?.GetValue<string>() == "task/fetch" && a["data"]?["actionId"]?.GetValue<string>() == id;
        if (Find(card, a => IsDialog(a, actionId), arg) is { } own)
        {
            return own["data"]!.AsObject();
        }

        return arg is not null && Find(card, a => IsDialog(a, TriageBot.Teams.Cards.RowPicker.ActionId), null) is { } picker
            ? picker["data"]!.AsObject()
            : null;
    }

    private static JsonObject? Find(JsonObject card, Func<JsonObject, bool> kind, string? arg) =>
        Cards.Actions(card).FirstOrDefault(a => kind(a) && (arg is null || a["data"]?["arg"]?.GetValue<string>() == arg));

    /// <summary>The action id people act with: an Action.Execute's verb, or the action id of a dialog button.</summary>
    private static string? ActionId(JsonObject action) => action["verb"]?.GetValue<string>() ?? action["data"]?["actionId"]?.GetValue<string>();

    private static async Task<string> Said(Task<IReadOnlyList<PostedCard>> delivered) => string.Join("\n", (await delivered).Select(p => p.Text));

    /// <summary>Every card posted in the channel (or its threads), by activity id, with its latest update applied.</summary>
    private List<PostedCard> Posts()
    {
        var posts = new List<PostedCard>();
        foreach (var call in P.Calls.Where(c => c.Status is >= 200 and < 300))
        {
            var card = Cards.InActivity(call.Body).FirstOrDefault();
            if (card is null)
            {
                continue;
            }

            var posted = new PostedCard(call, card);
            if (call.Method == "POST" && call.AnsweredId is not null
                && (posted.Conversation?.StartsWith(TeamsProduct.ChannelId, StringComparison.Ordinal) ?? call.Body?["channelData"]?["channel"]?["id"]?.GetValue<string>() == TeamsProduct.ChannelId))
            {
                posts.Add(posted);
            }
            else if (call.Method == "PUT" && posts.FindIndex(p => call.Path.EndsWith("/activities/" + p.ActivityId, StringComparison.Ordinal)) is var i and >= 0)
            {
                posts[i] = posts[i] with { Card = card };
            }
        }

        return posts;
    }
}
