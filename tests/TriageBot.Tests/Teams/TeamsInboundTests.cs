using System.Net;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>Issue 5, flows 4 and 5: a retried activity is handled once; a forged token is refused and leaves no trace.</summary>
public sealed class TeamsInboundTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private async Task<int> CountItemsAsync(string backlogId)
    {
        var n = 0;
        await foreach (var _ in P.Store.Items.QueryAsync(new Core.Ports.ItemQuery(backlogId), Ct)) n++;
        return n;
    }

    [Fact]
    public async Task RetriedMessage_WithTheSameId_IsAnsweredOnce()
    {
        await SetUpAsync(People.Ada);
        var command = A.Command(People.Grace, "new bug");

        var posted = await DeliveredAsync(async () =>
        {
            await P.PostOkAsync(command);
            await P.PostOkAsync(command);
        });

        posted.ShouldHaveSingleItem().Text.ShouldContain("Report to triage");
    }

    [Fact]
    public async Task RetriedFormSubmit_WithTheSameId_StoresOneItem()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var (post, form) = await CommandFormAsync(People.Grace, "new bug");
        var submit = Cards.SubmitAction(form);
        var click = A.TaskSubmit(People.Grace, post.ThreadConversation,
            Cards.Fill(form, submit, new Dictionary<string, string> { ["title"] = "Latency doubled after the model upgrade" }));

        var posted = await DeliveredAsync(async () =>
        {
            Cards.DialogMessage(await P.PostOkAsync(click)).ShouldContain("Reported TRI-1");
            Cards.DialogMessage(await P.PostOkAsync(click)).ShouldBe("Already done.");
        });

        (await CountItemsAsync(backlogId)).ShouldBe(1);
        posted.ShouldHaveSingleItem().Text.ShouldContain("Created TRI-1");
    }

    public static TheoryData<string> ForgedTokens() =>
    [
        "no token", "wrong audience", "wrong issuer", "expired", "not yet valid", "key endorsed for another channel",
        "key without endorsements", "unknown key", "unsigned", "serviceurl of another service", "no serviceurl claim",
    ];

    private string? Forge(string how) => how switch
    {
        "no token" => null,
        "wrong audience" => P.Token(t => t with { Audience = "5a5a5a5a-0000-4000-8000-000000000000" }),
        "wrong issuer" => P.Token(t => t with { Issuer = "https://sts.windows.net/" + TeamsProduct.TenantId + "/" }),
        "expired" => P.Token(t => t with { NotBefore = P.Time.GetUtcNow().AddHours(-2), Expires = P.Time.GetUtcNow().AddMinutes(-6) }),
        "not yet valid" => P.Token(t => t with { NotBefore = P.Time.GetUtcNow().AddMinutes(6), Expires = P.Time.GetUtcNow().AddHours(1) }),
        "key endorsed for another channel" => P.Token(t => t with { Kid = LocalOpenIdIssuer.WebChatKid }),
        "key without endorsements" => P.Token(t => t with { Kid = LocalOpenIdIssuer.BareKid }),
        "unknown key" => P.Token(t => t with { Kid = LocalOpenIdIssuer.UnpublishedKid }),
        "unsigned" => LocalOpenIdIssuer.MintUnsigned(new TokenSpec { Audience = TeamsProduct.AppId, ServiceUrl = P.ServiceUrl }),
        "serviceurl of another service" => P.Token(t => t with { ServiceUrl = "https://smba.trafficmanager.net/emea/" }),
        "no serviceurl claim" => P.Token(t => t with { ServiceUrl = null }),
        _ => throw new ArgumentOutOfRangeException(nameof(how), how, "Unknown forgery."),
    };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task ForgedToken_OnASetupSubmit_IsRefused_AndNothingIsStoredOrSent(string how)
    {
        var welcome = (await DeliveredAsync(() => P.PostOkAsync(A.BotInstalled(People.Ada)))).ShouldHaveSingleItem();
        var form = await OpenFormAsync(People.Ada, welcome, "setup");
        var submit = Cards.SubmitAction(form);
        var save = A.TaskSubmit(People.Ada, welcome.ThreadConversation,
            Cards.Fill(form, submit, new Dictionary<string, string> { ["name"] = "Forged", ["timeZone"] = "UTC" }));
        var callsBefore = P.Calls.Count;

        using (var refused = await P.SendAsync(save, Forge(how)))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, how);
            (await refused.Content.ReadAsStringAsync(Ct)).ShouldBeEmpty();
        }
        await P.DrainAsync();

        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct)).ShouldBeNull();
        await foreach (var backlog in P.Store.Backlogs.ListAsync(Ct)) backlog.ShouldBeNull($"{how}: backlog {backlog?.Id} was created");
        (await P.Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);
        P.Calls.Count.ShouldBe(callsBefore);
        // Not even the activity id was recorded: Teams' genuine delivery of the same activity is processed.
        Cards.DialogMessage(await P.PostOkAsync(save)).ShouldContain("This channel now belongs to Forged");
    }

    [Fact]
    public async Task ForgedToken_OnAnInstall_PostsNoWelcome()
    {
        using var refused = await P.SendAsync(A.BotInstalled(People.Ada), P.Token(t => t with { Audience = "5a5a5a5a-0000-4000-8000-000000000000" }));
        await P.DrainAsync();

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        P.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task ActivityWhoseServiceUrlWasRewritten_IsRefused_AndTheBotSendsNothingThere()
    {
        // The token was issued for the fake Connector; the body claims another service URL.
        var install = A.BotInstalled(People.Ada);
        install["serviceUrl"] = "http://127.0.0.2:9/teams/";

        using var refused = await P.SendAsync(install, P.Token());
        await P.DrainAsync();

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        P.Calls.ShouldBeEmpty();
        (await P.Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task ServiceUrlOutsideTheAllowList_IsNeverSentTheBotToken()
    {
        // A genuine token for an unknown service URL: the bot answers the request but refuses to call that host.
        var install = A.BotInstalled(People.Ada);
        install["serviceUrl"] = "http://127.0.0.2:9/teams/";
        (await P.PostOkAsync(install, P.Token(t => t with { ServiceUrl = "http://127.0.0.2:9/teams/" }))).ShouldBeNull();

        await P.DrainAsync();

        P.Calls.ShouldBeEmpty();
        var failed = await P.Store.Outbox.ListFailedAsync(TeamsProduct.Start, Ct);
        failed.ShouldHaveSingleItem().LastError.ShouldNotBeNull().ShouldContain("Refusing to send the Bot Framework token");
    }
}
