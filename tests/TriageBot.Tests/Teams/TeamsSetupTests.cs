using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>Issue 5, flow 1: install into a team, set the channel up, give people roles.</summary>
public sealed class TeamsSetupTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    [Fact]
    public async Task Install_PostsAWelcomeWithSetUp_AsANewThreadInTheChannel()
    {
        var posted = await DeliveredAsync(() => P.PostOkAsync(A.BotInstalled(People.Ada)));

        var welcome = posted.ShouldHaveSingleItem();
        welcome.Call.Method.ShouldBe("POST");
        welcome.Call.Path.ShouldBe("/teams/v3/conversations");
        welcome.Call.Authorization.ShouldBe("Bearer " + FixedCredential.Token);
        welcome.Call.Body!["isGroup"]!.GetValue<bool>().ShouldBeTrue();
        welcome.Call.Body["channelData"]!["channel"]!["id"]!.GetValue<string>().ShouldBe(TeamsProduct.ChannelId);
        welcome.Call.Body["channelData"]!["tenant"]!["id"]!.GetValue<string>().ShouldBe(TeamsProduct.TenantId);
        welcome.Text.ShouldContain("Hi, I'm TriageBot");
        Cards.DialogButton(welcome.Card, "setup")["title"]!.GetValue<string>().ShouldBe("Set up");
        Cards.ShouldHaveNoInputs(welcome.Card);
        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct)).ShouldBeNull("installing does not bind");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task SetUp_FromTheWelcomeCard_BindsTheChannel_AndTheInstallerBecomesFacilitator()
    {
        var backlogId = await SetUpAsync(People.Ada, "AI Assistant");

        var binding = (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct))!;
        binding.Active.ShouldBeTrue();
        binding.Roles.ShouldBe(ChannelRoles.All);
        binding.Address.ServiceUrl.ShouldBe(P.ServiceUrl);
        binding.Address.TeamId.ShouldBe(TeamsProduct.TeamId);
        binding.Address.ThreadId.ShouldBeNull();
        var backlog = (await P.Store.Backlogs.GetAsync(backlogId, Ct))!.Value;
        backlog.Name.ShouldBe("AI Assistant");
        backlog.TimeZone.ShouldBe("Europe/Berlin");
        // The facilitator is stored under the Teams user id, the id mentions and 1:1 chats use.
        (await RoleOfAsync(backlogId, People.Ada)).ShouldBe(Role.Facilitator);
        var member = (await P.Store.Members.ListAsync(backlogId, Ct)).ShouldHaveSingleItem();
        member.User.ShouldBe(new UserRef(Platform.Teams, People.Ada.Id, People.Ada.Name));
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task SetupCommand_PostsOneButton_IntoTheThreadOfTheCommand_ThatOpensTheSetupFormInADialog()
    {
        await SetUpAsync(People.Ada);
        var command = A.Command(People.Ada, "setup");

        var posted = await DeliveredAsync(() => P.PostOkAsync(command));

        var post = posted.ShouldHaveSingleItem();
        post.Call.Path.ShouldBe($"/teams/v3/conversations/{command["conversation"]!["id"]}/activities");
        Cards.ShouldHaveNoInputs(post.Card);
        post.Text.ShouldContain("Set up TriageBot");
        var form = await OpenFormAsync(People.Ada, post, TriageBot.Teams.Cards.DialogButtons.OpenCommand);
        Cards.Text(form).ShouldContain("This channel is bound to AI Assistant");
        Cards.Inputs(form)["name"]["value"]!.GetValue<string>().ShouldBe("AI Assistant");
        var submit = Cards.SubmitAction(form);
        submit["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        submit["data"]!["openedBy"]!.GetValue<string>().ShouldBe(People.Ada.Id);
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task SetupCommand_FromAMember_IsRefused_AndTheBindingStays()
    {
        var backlogId = await SetUpAsync(People.Ada);

        var posted = await CommandAsync(People.Grace, "setup");

        posted.ShouldHaveSingleItem().Text.ShouldContain("facilitator");
        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct))!.BacklogId.ShouldBe(backlogId);
    }

    [Fact]
    public async Task Role_WithATeamsMention_GivesThatPersonTheRole_UnderTheIdTheyActWith()
    {
        var backlogId = await SetUpAsync(People.Ada);

        var posted = await CommandAsync(People.Ada, "role {0} engineer", People.Eli);

        posted.ShouldHaveSingleItem().Text.ShouldContain("Eli Whitney is now an engineer of AI Assistant");
        (await RoleOfAsync(backlogId, People.Eli)).ShouldBe(Role.Engineer);
        var eli = (await P.Store.Members.ListAsync(backlogId, Ct)).Single(m => m.Role == Role.Engineer);
        eli.User.ShouldBe(new UserRef(Platform.Teams, People.Eli.Id, "Eli Whitney"));
    }

    [Fact]
    public async Task Role_FromAMember_IsRefused()
    {
        var backlogId = await SetUpAsync(People.Ada);

        var posted = await CommandAsync(People.Grace, "role {0} facilitator", People.Grace);

        posted.ShouldHaveSingleItem().Text.ShouldContain("facilitator");
        (await RoleOfAsync(backlogId, People.Grace)).ShouldBeNull();
    }

    [Fact]
    public async Task TheWelcome_NamesWhoAddedTheBot_AndAReAddNamesTheBacklog()
    {
        var welcome = (await DeliveredAsync(() => P.PostOkAsync(A.BotInstalled(People.Grace)))).ShouldHaveSingleItem();
        welcome.Text.ShouldContain("Thanks for adding me, Grace Hopper.");

        await SetUpAsync(People.Ada);
        var again = (await DeliveredAsync(() => P.PostOkAsync(A.BotInstalled(People.Ken)))).ShouldHaveSingleItem();

        again.Text.ShouldContain("Thanks for adding me, Ken Thompson.");
        again.Text.ShouldContain("already bound to the backlog AI Assistant.");
        again.Text.ShouldNotContain("backlog .");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Theory]
    [InlineData("hi")]
    [InlineData("Hello!")]
    public async Task AGreeting_GetsAShortFriendlyHelp_InOnePost(string greeting)
    {
        await SetUpAsync(People.Ada);

        var answer = (await CommandAsync(People.Grace, greeting)).ShouldHaveSingleItem();

        answer.Text.ShouldStartWith("Hi Grace Hopper!");
        answer.Text.ShouldContain("help");
        answer.Text.ShouldNotContain("don't know");
    }
}
