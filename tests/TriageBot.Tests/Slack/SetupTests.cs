using System.Text.Json.Nodes;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Slack.Tests;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Flow 1: binding a fresh Slack channel and giving people roles, through the real host.</summary>
public sealed class SetupTests
{
    [Fact]
    public async Task Setup_InAFreshChannel_OpensTheModal_BindsTheChannel_AndMakesThePersonFacilitator()
    {
        await using var h = await SlackHost.StartAsync();

        var modal = await SetUpChannelAsync(h);

        // The modal Slack was asked to open: every setup input, the place in private_metadata.
        var blockIds = modal["blocks"]!.AsArray().Select(b => (string?)b!["block_id"]).OfType<string>().ToList();
        blockIds.ShouldContain("name");
        blockIds.ShouldContain("timeZone");
        blockIds.ShouldContain("roleClinic");
        JsonNode.Parse((string)modal["private_metadata"]!)!["channel"]!.ToString().ShouldBe(Channel);
        h.Api.CallsTo("views.open")[0].Json["trigger_id"]!.ToString().ShouldStartWith("trigger-");

        var binding = (await h.Store.Bindings.GetAsync(Platform.Slack, Team, Channel, default)).ShouldNotBeNull();
        binding.BacklogId.ShouldBe(BacklogId);
        binding.Active.ShouldBeTrue();
        binding.Roles.ShouldBe(ChannelRoles.All);
        var backlog = (await h.Store.Backlogs.GetAsync(BacklogId, default)).ShouldNotBeNull().Value;
        backlog.Name.ShouldBe("Payments");
        backlog.TimeZone.ShouldBe("Europe/Berlin");
        (await h.Store.Members.GetAsync(BacklogId, "slack:U1", default)).ShouldNotBeNull().Role.ShouldBe(Role.Facilitator);

        h.Api.CallsTo("chat.postEphemeral").ShouldBeEmpty("the confirmation is the modal itself (SetUpChannelAsync checks its text)");
    }

    [Theory]
    [InlineData("<@U2|eli>", "eli")]
    [InlineData("<@U2>", "U2")]
    public async Task Role_WithTheMentionSlackSends_GivesThatSlackUserTheRole(string mention, string shownAs)
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);

        var response = await h.CommandAsync(Ada, $"role {mention} engineer");

        TextOf(await JsonBody(response)).ShouldContain($"{shownAs} is now an engineer of Payments");
        var member = (await h.Store.Members.GetAsync(BacklogId, "slack:U2", default)).ShouldNotBeNull();
        member.Role.ShouldBe(Role.Engineer);
        member.User.ShouldBe(new UserRef(Platform.Slack, "U2", shownAs));
    }

    [Fact]
    public async Task Role_GivenByAMember_IsRefused_AndChangesNothing()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);

        var response = await h.CommandAsync(Members[0], "role <@U1|ada> member");

        TextOf(await JsonBody(response)).ShouldContain("facilitator");
        (await h.Store.Members.GetAsync(BacklogId, "slack:U1", default)).ShouldNotBeNull().Role.ShouldBe(Role.Facilitator);
    }

    [Fact]
    public async Task Role_WithAnUnescapedName_IsRefused_BecauseANameIsNotASlackId()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);

        var response = await h.CommandAsync(Ada, "role @eli engineer");

        TextOf(await JsonBody(response)).ShouldContain("@mention");
        (await h.Store.Members.ListAsync(BacklogId, default)).Select(m => m.User.UserId).ShouldBe(["U1"]);
    }

    [Fact]
    public void Manifest_AsksSlackToEscapeMentionsInTheSlashCommand()
    {
        // Without escaping Slack sends "@eli" (a name, not an id), which cannot identify anyone.
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoTools.Root, "manifest", "slack", "manifest.json")))!;
        var command = manifest["features"]!["slash_commands"]!.AsArray().Single(c => (string?)c!["command"] == "/triage")!;
        command["should_escape"]!.GetValue<bool>().ShouldBeTrue();
    }
}
