using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Teams.Tests;

public sealed class OptionsTests
{
    private static TeamsOptions Bind(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => s.Value)).Build();
        var options = new TeamsOptions();
        TeamsOptions.Bind(configuration, options);
        return options;
    }

    private const string AppId = "6f1f2a3b-1111-4c4c-9d9d-0123456789ab";

    [Fact]
    public void RootLevelSettings_AndTheTeamsSection_AreBound()
    {
        var o = Bind(("MicrosoftAppType", "UserAssignedMSI"), ("MicrosoftAppId", AppId), ("MicrosoftAppTenantId", "tid"),
            ("Teams:ValidIssuers:0", "https://issuer.test"), ("Teams:AllowedServiceUrlHosts:0", "smba.example"), ("Teams:TokenScope", "scope/.default"));

        o.AppType.ShouldBe(TeamsAppType.UserAssignedMsi);
        o.AppId.ShouldBe(AppId);
        o.TenantId.ShouldBe("tid");
        o.EffectiveIssuers.ShouldBe(["https://issuer.test"]);
        o.EffectiveServiceUrlHosts.ShouldBe(["smba.example"]);
        o.TokenScope.ShouldBe("scope/.default");
        o.Problems().ShouldBeEmpty();
    }

    [Fact]
    public void Defaults_AreThePublicCloud()
    {
        var o = new TeamsOptions();

        o.OpenIdMetadataUrl.ShouldBe("https://login.botframework.com/v1/.well-known/openidconfiguration");
        o.EffectiveIssuers.ShouldBe(["https://api.botframework.com"]);
        o.EffectiveServiceUrlHosts.ShouldContain("smba.trafficmanager.net");
        o.TokenScope.ShouldBe("https://api.botframework.com/.default");
    }

    [Theory]
    [InlineData("UserAssignedMSI", null, null, null, "managed identity's client id")]
    [InlineData("SingleTenant", AppId, "secret", null, "MicrosoftAppTenantId")]
    [InlineData("SingleTenant", AppId, null, "tid", "MicrosoftAppPassword")]
    [InlineData("MultiTenant", AppId, null, null, "MicrosoftAppPassword")]
    [InlineData("SingleTenant", "not-a-guid", "secret", "tid", "is not a GUID")]
    [InlineData(null, AppId, "secret", "tid", "MicrosoftAppType is not set")]
    public void Mistakes_AreReported_WithHowToFixThem(string? type, string? appId, string? password, string? tenant, string expected)
    {
        var o = Bind(("MicrosoftAppType", type), ("MicrosoftAppId", appId), ("MicrosoftAppPassword", password), ("MicrosoftAppTenantId", tenant));

        o.Problems().ShouldContain(p => p.Contains(expected, StringComparison.Ordinal));
        new TeamsOptionsValidator().Validate(null, o).Failed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("UserAssignedMSI", null, null, "MicrosoftAppTenantId is missing: a UserAssignedMSI bot accepts activities only from its own tenant")]
    [InlineData("MultiTenant", null, null, "Teams:AllowedTenants is empty")]
    [InlineData("SingleTenant", "tid", "other-tenant", "a SingleTenant bot accepts only MicrosoftAppTenantId")]
    [InlineData("UserAssignedMSI", "tid", "other-tenant", "a UserAssignedMsi bot accepts only MicrosoftAppTenantId")]
    public void TheTenantAllowList_MustBeUnambiguous_AndStopsTheStartWhenItIsNot(string type, string? tenant, string? allowed, string expected)
    {
        var o = Bind(("MicrosoftAppType", type), ("MicrosoftAppId", AppId), ("MicrosoftAppPassword", "secret"), ("MicrosoftAppTenantId", tenant), ("Teams:AllowedTenants:0", allowed));

        o.Problems().ShouldContain(p => p.Contains(expected, StringComparison.Ordinal));
        new TeamsOptionsValidator().Validate(null, o).Failed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("SingleTenant", "tid", null, "tid")]
    [InlineData("UserAssignedMSI", "tid", null, "tid")]
    [InlineData("MultiTenant", "ignored", "customer-a", "customer-a")]
    public void EffectiveTenants_AreTheAppTenant_OrTheMultiTenantList(string type, string? tenant, string? allowed, string expected) =>
        Bind(("MicrosoftAppType", type), ("MicrosoftAppId", AppId), ("MicrosoftAppTenantId", tenant), ("Teams:AllowedTenants:0", allowed))
            .EffectiveTenants.ShouldBe([expected]);

    [Fact]
    public void UnknownAppType_SaysWhichValuesWork() =>
        Should.Throw<OptionsValidationException>(() => Bind(("MicrosoftAppType", "Tenantless"))).Message.ShouldContain("SingleTenant, MultiTenant or UserAssignedMSI");

    [Fact]
    public void NothingConfigured_StartsButIsNotUsable()
    {
        var o = Bind();

        new TeamsOptionsValidator().Validate(null, o).Succeeded.ShouldBeTrue();
        o.Problems().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task AMisconfiguredChannel_StopsTheHostAtStart_WithTheFix()
    {
        var settings = new Dictionary<string, string?> { ["MicrosoftAppType"] = "SingleTenant", ["MicrosoftAppId"] = AppId, ["MicrosoftAppPassword"] = "x" };

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => TeamsTestHost.StartAsync(settings));

        ex.Message.ShouldContain("MicrosoftAppTenantId is missing");
    }
}
