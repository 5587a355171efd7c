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

    /// <summary>
    /// What <paramref name="who"/>'s Teams client does on showing a card whose <c>refresh.userIds</c> lists them: the
    /// automatic <c>adaptiveCard/action</c> with the refresh action. Returns their own card, on the same activity.
    /// </summary>
    protected async Task<PostedCard> MyViewAsync(TeamsPerson who, PostedCard on)
    {
        var refresh = on.Card["refresh"].ShouldNotBeNull($"the card has no refresh: {on.Card.ToJsonString()}").AsObject();
        refresh["userIds"]!.AsArray().Select(u => u!.GetValue<string>()).ShouldContain(who.Id, $"{who.Name} is not refreshed automatically");
        var invoke = A.Execute(who, on.ThreadConversation, on.ActivityId, refresh["action"]!.AsObject());
        invoke["value"]!["trigger"] = "automatic";
        return on with { Card = Cards.ExecutedCard(await P.PostOkAsync(invoke)) };
    }

    /// <summary>Clicks a button that opens a dialog (<c>task/fetch</c>) on a posted card; returns the invoke's answer.</summary>
    protected Task<System.Text.Json.Nodes.JsonNode?> OpenAsync(TeamsPerson who, PostedCard on, string actionId, string? arg = null) =>
        P.PostOkAsync(A.TaskFetch(who, on.ThreadConversation, on.ActivityId, Cards.DialogButton(on.Card, actionId, arg)["data"]!.AsObject()));

    /// <summary>Opens the dialog of a dialog button and returns the form in it.</summary>
    protected async Task<JsonObject> OpenFormAsync(TeamsPerson who, PostedCard on, string actionId, string? arg = null) =>
        Cards.DialogCard(await OpenAsync(who, on, actionId, arg));

    /// <summary>Fills and submits a form shown in a dialog opened from a posted card (<c>task/submit</c>); returns the invoke's answer.</summary>
    protected Task<System.Text.Json.Nodes.JsonNode?> SubmitAsync(TeamsPerson who, PostedCard on, JsonObject form, IReadOnlyDictionary<string, string> typed, string? id = null)
    {
        var submit = Cards.SubmitAction(form);
        submit["type"]!.GetValue<string>().ShouldBe("Action.Submit", "dialogs submit with Action.Submit");
        return P.PostOkAsync(A.TaskSubmit(who, on.ThreadConversation, Cards.Fill(form, submit, typed), id));
    }

    /// <summary>
    /// A typed command that opens a form: the conversation gets one post with one button and no inputs; the form opens in
    /// <paramref name="who"/>'s dialog. Returns the post and the form.
    /// </summary>
    protected async Task<(PostedCard Post, JsonObject Form)> CommandFormAsync(TeamsPerson who, string text)
    {
        var post = (await CommandAsync(who, text)).ShouldHaveSingleItem();
        Cards.ShouldHaveNoInputs(post.Card);
        return (post, await OpenFormAsync(who, post, TriageBot.Teams.Cards.DialogButtons.OpenCommand));
    }

    /// <summary>Installs the bot and sets the channel up through the welcome card's Set up button; returns the backlog id.</summary>
    protected async Task<string> SetUpAsync(TeamsPerson facilitator, string name = "AI Assistant", string timeZone = "Europe/Berlin")
    {
        var welcome = (await DeliveredAsync(() => P.PostOkAsync(A.BotInstalled(facilitator)))).ShouldHaveSingleItem();
        var form = await OpenFormAsync(facilitator, welcome, "setup");
        var saved = Cards.DialogMessage(await SubmitAsync(facilitator, welcome, form, new Dictionary<string, string>
        {
            ["name"] = name,
            ["timeZone"] = timeZone,
        }));
        saved.ShouldContain($"This channel now belongs to {name}");
        var binding = await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct);
        binding.ShouldNotBeNull();
        return binding.BacklogId;
    }

    protected async Task<Role?> RoleOfAsync(string backlogId, TeamsPerson person) =>
        (await P.Store.Members.GetAsync(backlogId, new UserRef(Platform.Teams, person.Id, person.Name).Key, Ct))?.Role;
}
