using System.Net;
using TriageBot.Legal;

namespace TriageBot.Tests.Hosting;

/// <summary>/privacy and /terms, which the Teams manifest links to, are served by the real host from editable templates.</summary>
public sealed class LegalPagesTests
{
    [Theory]
    [InlineData("/privacy", "<h1>Privacy statement</h1>")]
    [InlineData("/terms", "<h1>Terms of use</h1>")]
    public async Task Page_IsServedAsHtml_WithTheOperatorContactAndUrlFilledIn(string path, string heading)
    {
        using var host = new TestHost(new()
        {
            ["PublicBaseUrl"] = "https://triage.example.com",
            ["Legal:Operator"] = "Contoso AI",
            ["Legal:Contact"] = "privacy@contoso.example",
        });
        var ct = TestContext.Current.CancellationToken;

        using var response = await host.CreateClient().GetAsync(path, ct);
        var html = await response.Content.ReadAsStringAsync(ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("default-src 'none'");
        html.ShouldContain(heading);
        html.ShouldContain("Contoso AI");
        html.ShouldContain("privacy@contoso.example");
        html.ShouldContain("https://triage.example.com");
        html.ShouldNotContain("{{");
    }

    [Theory]
    [InlineData("/privacy")]
    [InlineData("/terms")]
    public async Task Page_WithoutAPublicBaseUrl_NamesNoAddress_AndHasNoEmptyLink(string path)
    {
        using var host = new TestHost(new() { ["Legal:Operator"] = "Contoso AI" });

        var html = await host.CreateClient().GetStringAsync(path, TestContext.Current.CancellationToken);

        html.ShouldContain("This TriageBot is ");
        html.ShouldNotContain(" at <a");
        html.ShouldNotContain("href=\"\"");
        html.ShouldNotContain("{{");
    }

    [Fact]
    public async Task Settings_AreHtmlEncoded_SoAnOperatorNameCannotInjectMarkup()
    {
        using var host = new TestHost(new() { ["Legal:Operator"] = "<script>alert(1)</script> & Co" });

        var html = await host.CreateClient().GetStringAsync("/privacy", TestContext.Current.CancellationToken);

        html.ShouldNotContain("<script>");
        html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co");
    }

    [Fact]
    public async Task ATemplateFolder_ReplacesThePagesItHas_AndKeepsTheBuiltInOneForTheOther()
    {
        var folder = Directory.CreateTempSubdirectory("triagebot-legal-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "privacy.html"), "<p>Our own words, {{Operator}}, updated {{Updated}}.</p>", TestContext.Current.CancellationToken);
            using var host = new TestHost(new() { ["Legal:TemplateFolder"] = folder.FullName, ["Legal:Operator"] = "Contoso", ["Legal:Updated"] = "2027-01-15" });
            var client = host.CreateClient();
            var ct = TestContext.Current.CancellationToken;

            (await client.GetStringAsync("/privacy", ct)).ShouldBe("<p>Our own words, Contoso, updated 2027-01-15.</p>");
            (await client.GetStringAsync("/terms", ct)).ShouldContain("<h1>Terms of use</h1>");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Legal:TemplateFolder", "/nonexistent/triagebot-legal", "Legal:TemplateFolder '/nonexistent/triagebot-legal' does not exist")]
    [InlineData("Legal:Updated", "last week", "Legal:Updated 'last week' must be a date written yyyy-MM-dd")]
    public void AWrongLegalSetting_RefusesTheStart_SayingHowToFixIt(string key, string value, string message) =>
        StartupValidationTests.StartupFailure(new() { [key] = value }).Message.ShouldContain(message);

    [Fact]
    public void BuiltInTemplates_UseOnlyTheKnownPlaceholders()
    {
        foreach (var page in LegalPages.Pages)
        {
            var rendered = LegalPages.Render(LegalPages.Template(page, null), new LegalOptions(), "https://x.example");
            rendered.ShouldNotContain("{{", customMessage: page);
        }
    }
}
