using System.Net;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Tests.Browser;

namespace TriageBot.Tests.Dashboard;

/// <summary>The "why not mine?" search and item standing over real HTTP, with items written straight to the store.</summary>
public sealed class DashboardSearchHttpTests : IAsyncLifetime
{
    private const string Token = "fedcba9876543210fedcba9876543210fedcba9876543210";
    private readonly KestrelHost _host = new();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private HttpClient Http() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };

    [Theory]
    [InlineData("TST-{0}")]
    [InlineData("tst-{0}")]
    [InlineData("#{0}")]
    [InlineData(" {0} ")]
    public async Task AKey_RedirectsToThatItemsPage(string form)
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "keys", Token, _now);
        var item = await TestBacklogs.AddAsync(_host.Store, backlog, "Login fails", WorkStream.Bug, _now.AddDays(-1));
        using var http = Http();

        var response = await http.GetAsync($"/d/{Token}/search?q=" + Uri.EscapeDataString(string.Format(System.Globalization.CultureInfo.InvariantCulture, form, item.Number)));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe($"/d/{Token}/items/{item.Number}");
    }

    [Fact]
    public async Task Words_FindOpenAndClosedItemsWhoseTitleHoldsEveryWord_AndNothingElse()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "words", Token, _now);
        var open = await TestBacklogs.AddAsync(_host.Store, backlog, "Export to PDF drops tables", WorkStream.Bug, _now.AddDays(-3), new Scores(2, 2, 2, 2));
        var closedChange = WorkRules.Close(await TestBacklogs.AddAsync(_host.Store, backlog, "PDF export is slow", WorkStream.Bug, _now.AddDays(-9)), "Duplicate of the export rewrite.", TestBacklogs.Pm, _now.AddDays(-2));
        var stored = await _host.Store.Items.GetAsync(backlog.Id, closedChange.Item.Number, CancellationToken.None);
        await _host.Store.Writes.WriteAsync(new ItemWrite { Item = closedChange.Item, ETag = stored!.ETag, History = closedChange.History }, CancellationToken.None);
        await TestBacklogs.AddAsync(_host.Store, backlog, "Export to CSV", WorkStream.Feature, _now.AddDays(-1));
        using var http = Http();

        var html = await http.GetStringAsync($"/d/{Token}/search?q=pdf+EXPORT");

        html.ShouldContain("2 items match “pdf EXPORT”");
        html.ShouldContain($"data-key=\"{open.Key}\"");
        html.ShouldContain($"data-key=\"{closedChange.Item.Key}\"");
        html.ShouldNotContain("Export to CSV");
        html.IndexOf(open.Key, StringComparison.Ordinal).ShouldBeLessThan(html.IndexOf(closedChange.Item.Key, StringComparison.Ordinal), "open items first");
    }

    [Fact]
    public async Task AHostileOrOverlongQuery_IsShownAsText_CutToItsLimit_AndAnUnknownTokenIs404()
    {
        await TestBacklogs.CreateAsync(_host.Store, "hostile", Token, _now);
        using var http = Http();

        var hostile = await http.GetStringAsync($"/d/{Token}/search?q=" + Uri.EscapeDataString("<script>alert(1)</script>\"><b>"));
        var overlong = await http.GetAsync($"/d/{Token}/search?q=" + new string('x', 5000));
        var unknown = await http.GetAsync("/d/not-the-token/search?q=x");

        hostile.ShouldNotContain("<script", Case.Insensitive);
        hostile.ShouldNotContain("<b>");
        hostile.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        overlong.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await overlong.Content.ReadAsStringAsync()).ShouldContain("No item matches “" + new string('x', 200) + "”");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        overlong.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("form-action 'self'");
        overlong.Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain("script-src");
    }

    [Fact]
    public async Task AHeldFeature_SaysItsTotalWouldPlaceIt_AndThatItWaitsForACapabilityNoteAndAMetric()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "held", Token, _now);
        var item = await TestBacklogs.AddAsync(_host.Store, backlog, "Voice input", WorkStream.Feature, _now.AddDays(-4), new Scores(3, 3, 3, 3));
        using var http = Http();

        var html = await http.GetStringAsync($"/d/{Token}/items/{item.Number}");

        item.HeldPlacement.ShouldBe(Queue.Sprint);
        html.ShouldContain("Scored, but held: its total of 24 places it in the sprint, and it goes there once an engineer adds the capability note.");
        html.ShouldContain("A capability note from an engineer");
        html.ShouldContain("A success metric, set by a facilitator");
        html.ShouldContain("(4 days ago)");
        html.ShouldNotContain("today ago");
    }

    [Fact]
    public async Task AnItemReportedToday_SaysToday_AndAnIceboxItemSaysWhichThresholdItMissed()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "today", Token, _now);
        var item = await TestBacklogs.AddAsync(_host.Store, backlog, "Cold", WorkStream.Bug, _now.AddHours(-1), new Scores(1, 1, 1, 1));
        using var http = Http();

        var html = await http.GetStringAsync($"/d/{Token}/items/{item.Number}");

        html.ShouldContain("(today)");
        html.ShouldNotContain("today ago");
        html.ShouldContain("In the icebox: its total of 8 is below the ready threshold of 12.");
    }
}
