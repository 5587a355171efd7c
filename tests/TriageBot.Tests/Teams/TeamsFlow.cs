using System.Text.Json.Nodes;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>A card the fake Connector received, with where it was posted and the activity id it got.</summary>
public sealed record PostedCard(ConnectorCall Call, JsonObject Card)
{
    /// <summary>The conversation id in the call's path (<c>/teams/v3/conversations/{id}/activities…</c>), or null for a create.</summary>
    public string? Conversation => Call.Path.Split("/v3/conversations/", 2) is [_, var rest] ? rest.Split("/activities", 2)[0] : null;

    /// <summary>The id the card's activity has: the one the Connector handed out, or the one an update addressed.</summary>
    public string ActivityId => Call.AnsweredId ?? throw new InvalidOperationException("The call was not answered with an id.");

    /// <summary>The conversation a click on this card arrives from: its thread (a new post is the root of its own thread).</summary>
    public string ThreadConversation => Conversation is { } c && c.Contains(";messageid=", StringComparison.Ordinal) ? c : Activities.Thread(ActivityId);

    public string Text => Cards.Text(Card);
}

/// <summary>Base of the end-to-end Teams flows: the product, activity builders and the steps every flow repeats.</summary>
public abstract class TeamsFlow(LocalOpenIdIssuer issuer) : IAsyncLifetime
{
    protected TeamsProduct P { get; private set; } = null!;
    protected Activities A { get; private set; } = null!;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        P = await TeamsProduct.StartAsync(issuer, Configure);
        A = new Activities(P);
    }

    /// <summary>Adds to (or overrides) the product's settings and services for one test class.</summary>
    protected virtual void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
    }

    public async ValueTask DisposeAsync()
    {
        await P.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Does <paramref name="act"/>, runs delivery, and returns the cards the Connector received meanwhile (successful calls only).</summary>
    protected async Task<IReadOnlyList<PostedCard>> DeliveredAsync(Func<Task> act)
    {
        var before = P.Calls.Count;
        await act();
        await P.DrainAsync();
        return [.. P.Calls.Skip(before).Where(c => c.Status is >= 200 and < 300).SelectMany(c => Cards.InActivity(c.Body).Select(card => new PostedCard(c, card)))];
    }

    /// <summary>A command to the bot in a new channel post; returns what was posted in answer.</summary>
    protected Task<IReadOnlyList<PostedCard>> CommandAsync(TeamsPerson from, string text, params TeamsPerson[] mentions) =>
        DeliveredAsync(async () => (await P.PostOkAsync(A.Command(from, text, mentions))).ShouldBeNull("a message is answered through the Connector, not inline"));

    /// <summary>Clicks a button on a posted card; returns the invoke's answer.</summary>
    protected Task<System.Text.Json.Nodes.JsonNode?> ClickAsync(TeamsPerson who, PostedCard on, string verb, string? arg = null) =>
        P.PostOkAsync(A.Execute(who, on.ThreadConversation, on.ActivityId, Cards.Button(on.Card, verb, arg)));

    /// <summary>Fills and submits a form card shown (inline) on a posted card; returns the invoke's answer.</summary>
    protected Task<System.Text.Json.Nodes.JsonNode?> SubmitAsync(TeamsPerson who, PostedCard on, JsonObject form, IReadOnlyDictionary<string, string> typed, string? id = null)
    {
        var submit = Cards.SubmitAction(form);
        submit["type"]!.GetValue<string>().ShouldBe("Action.Execute");
        return P.PostOkAsync(A.Execute(who, on.ThreadConversation, on.ActivityId, submit, Cards.Fill(form, submit, typed), id));
    }

    /// <summary>Installs the bot and sets the channel up through the welcome card's Set up button; returns the backlog id.</summary>
    protected async Task<string> SetUpAsync(TeamsPerson facilitator, string name = "AI Assistant")
    {
        var welcome = (await DeliveredAsync(() => P.PostOkAsync(A.BotInstalled(facilitator)))).ShouldHaveSingleItem();
        var form = Cards.ExecutedCard(await ClickAsync(facilitator, welcome, "setup"));
        var saved = Cards.ExecutedCard(await SubmitAsync(facilitator, welcome, form, new Dictionary<string, string>
        {
            ["name"] = name,
            ["timeZone"] = "Europe/Berlin",
        }));
        Cards.Text(saved).ShouldContain($"This channel now belongs to {name}");
        var binding = await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct);
        binding.ShouldNotBeNull();
        return binding.BacklogId;
    }

    protected async Task<Role?> RoleOfAsync(string backlogId, TeamsPerson person) =>
        (await P.Store.Members.GetAsync(backlogId, new UserRef(Platform.Teams, person.Id, person.Name).Key, Ct))?.Role;
}
