using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tests;

/// <summary>Issue 20: installations of the Slack app in many workspaces and one-use OAuth states, on every backend.</summary>
public abstract partial class TriageStoreContract
{
    private static Installation NewInstallation(string team, string? enterprise = null, bool org = false, string token = "sealed:one") => new()
    {
        Key = InstallationKeys.For(team, enterprise, org),
        TeamId = org ? null : team,
        EnterpriseId = enterprise,
        IsEnterpriseInstall = org,
        BotUserId = "UBOT" + team,
        Scopes = "chat:write,commands",
        InstallerUserId = "U1",
        SealedBotToken = token,
        SealedRefreshToken = "sealed:refresh «Ü» 😀",
        TokenExpiresAt = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero),
        InstalledAt = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task Installation_Saved_IsReadBackByItsKeyWithEveryFieldAndAnETag_AndNoOtherKeyFindsIt()
    {
        var installation = NewInstallation("T" + Build.Id());

        await Backend.Installations.SaveAsync(installation, Ct);
        var read = await Backend.Installations.GetAsync(installation.Key, Ct);

        read.ShouldNotBeNull();
        read.Value.ShouldBe(installation);
        read.ETag.ShouldNotBeNullOrEmpty();
        (await Backend.Installations.GetAsync(installation.Key + "x", Ct)).ShouldBeNull();
        (await Backend.Installations.GetAsync(InstallationKeys.Enterprise(installation.TeamId!), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Installation_OrgWideAndWorkspaceInstallsOfOneOrganisation_AreKeptApart()
    {
        var org = NewInstallation("T" + Build.Id(), enterprise: "E" + Build.Id(), org: true, token: "sealed:org");
        var workspace = NewInstallation("T" + Build.Id(), enterprise: org.EnterpriseId, token: "sealed:workspace");

        await Backend.Installations.SaveAsync(org, Ct);
        await Backend.Installations.SaveAsync(workspace, Ct);

        org.Key.ShouldBe("E:" + org.EnterpriseId);
        workspace.Key.ShouldBe("T:" + workspace.TeamId);
        (await Backend.Installations.GetAsync(org.Key, Ct))!.Value.SealedBotToken.ShouldBe("sealed:org");
        (await Backend.Installations.GetAsync(workspace.Key, Ct))!.Value.SealedBotToken.ShouldBe("sealed:workspace");
    }

    [Fact]
    public async Task Installation_SavedAgain_AReinstall_ReplacesTheFirstAndChangesItsETag()
    {
        var first = NewInstallation("T" + Build.Id());
        await Backend.Installations.SaveAsync(first, Ct);
        var before = await Backend.Installations.GetAsync(first.Key, Ct);

        await Backend.Installations.SaveAsync(first with { SealedBotToken = "sealed:two", Scopes = "chat:write" }, Ct);
        var after = await Backend.Installations.GetAsync(first.Key, Ct);

        after!.Value.SealedBotToken.ShouldBe("sealed:two");
        after.Value.Scopes.ShouldBe("chat:write");
        after.ETag.ShouldNotBe(before!.ETag);
    }

    [Fact]
    public async Task Installation_ReplacedByTwoInstancesFromOneETag_OnlyOneWins_AndBothSeeTheWinner()
    {
        var installation = NewInstallation("T" + Build.Id());
        await Backend.Installations.SaveAsync(installation, Ct);
        var other = (await OpenBackendAsync(scope)).Installations;
        var read = await Backend.Installations.GetAsync(installation.Key, Ct);
        var readByOther = await other.GetAsync(installation.Key, Ct);
        readByOther!.ETag.ShouldBe(read!.ETag);

        var won = await Backend.Installations.TryReplaceAsync(installation with { RefreshLeaseOwner = "a" }, read.ETag, Ct);
        var lost = await other.TryReplaceAsync(installation with { RefreshLeaseOwner = "b" }, readByOther.ETag, Ct);

        won.ShouldNotBeNull();
        lost.ShouldBeNull();
        (await other.GetAsync(installation.Key, Ct))!.Value.RefreshLeaseOwner.ShouldBe("a");
        (await other.TryReplaceAsync(installation with { RefreshLeaseOwner = "b" }, won.ETag, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Installation_Deleted_IsGoneForEveryInstance_ItsETagReplacesNothing_AndDeletingAgainSaysThereWasNone()
    {
        var installation = NewInstallation("T" + Build.Id());
        await Backend.Installations.SaveAsync(installation, Ct);
        var read = await Backend.Installations.GetAsync(installation.Key, Ct);

        (await Backend.Installations.DeleteAsync(installation.Key, Ct)).ShouldBeTrue();

        (await (await OpenBackendAsync(scope)).Installations.GetAsync(installation.Key, Ct)).ShouldBeNull();
        (await Backend.Installations.TryReplaceAsync(installation, read!.ETag, Ct)).ShouldBeNull();
        (await Backend.Installations.GetAsync(installation.Key, Ct)).ShouldBeNull();
        (await Backend.Installations.DeleteAsync(installation.Key, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task OAuthState_UsedOnce_IsRefusedEverAfter_AlsoByAnotherInstance_WhileOtherStatesStillWork()
    {
        var nonce = "n" + Build.Id();
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        var other = (await OpenBackendAsync(scope)).Installations;

        var uses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Backend.Installations : other).TryUseOnceAsync(nonce, expires, Ct)));

        uses.Count(u => u).ShouldBe(1);
        (await Backend.Installations.TryUseOnceAsync(nonce, expires, Ct)).ShouldBeFalse();
        (await other.TryUseOnceAsync("n" + Build.Id(), expires, Ct)).ShouldBeTrue();
    }
}
