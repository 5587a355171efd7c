using System.Globalization;
using System.Net;
using CsvHelper;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Tests.Browser;

namespace TriageBot.Tests.Dashboard;

public sealed class DashboardHttpTests : IAsyncLifetime
{
    private const string Token = "0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly KestrelHost _host = new();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task WrongToken_Is404_WithTheSameBodyAsAnyUnknownUrl()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "leak", Token, _now);
        using var http = _host.Http();

        var wrong = await http.GetAsync("/d/" + Token[..^1] + "0");
        var wrongItem = await http.GetAsync("/d/nottheone/items/1");
        var unknown = await http.GetAsync("/no/such/page");

        wrong.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        wrongItem.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var body = await wrong.Content.ReadAsStringAsync();
        body.ShouldBe(await unknown.Content.ReadAsStringAsync());
        body.ShouldBe(await wrongItem.Content.ReadAsStringAsync());
        body.ShouldNotContain(backlog.Name);
        (await http.GetAsync("/d/" + Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UnknownItemNumber_Is404()
    {
        await TestBacklogs.CreateAsync(_host.Store, "items", Token, _now);
        using var http = _host.Http();
        (await http.GetAsync($"/d/{Token}/items/999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HostileTitles_AreShownAsText_NeverAsMarkup()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "xss", Token, _now);
        var item = await TestBacklogs.AddAsync(_host.Store, backlog, "<script>alert(1)</script>", WorkStream.Bug, _now.AddDays(-2), new Scores(3, 3, 3, 3));
        await TestBacklogs.AddAsync(_host.Store, backlog, "\"><img src=x onerror=alert(2)>", WorkStream.Model, _now.AddDays(-1), new Scores(2, 2, 2, 2));
        using var http = _host.Http();

        var page = await http.GetStringAsync("/d/" + Token);
        var itemPage = await http.GetStringAsync($"/d/{Token}/items/{item.Number}");

        foreach (var html in new[] { page, itemPage })
        {
            html.ShouldNotContain("<script", Case.Insensitive);
            html.ShouldNotContain("<img", Case.Insensitive);
        }

        page.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        page.ShouldContain("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
        itemPage.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        itemPage.ShouldContain("Rita &lt;Reporter&gt;");
    }

    [Fact]
    public async Task Pages_CarryTheSecurityHeaders()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "headers", Token, _now);
        var item = await TestBacklogs.AddAsync(_host.Store, backlog, "A bug", WorkStream.Bug, _now.AddDays(-1));
        using var http = _host.Http();

        foreach (var path in new[] { "/d/" + Token, $"/d/{Token}/items/{item.Number}", $"/d/{Token}/export.csv" })
        {
            var response = await http.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
            response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
            response.Headers.CacheControl!.NoStore.ShouldBeTrue();
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            csp.ShouldContain("default-src 'none'");
            csp.ShouldNotContain("unsafe-inline");
            csp.ShouldContain("frame-ancestors 'none'");
        }
    }

    [Fact]
    public async Task CsvExport_HasEveryItemWithItsScoresAndPlacement()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "csv", Token, _now);
        var sprint = await TestBacklogs.AddAsync(_host.Store, backlog, "Sprint, with a comma and \"quotes\"", WorkStream.Bug, _now.AddDays(-3), new Scores(3, 2, 2, 2));
        var fresh = await TestBacklogs.AddAsync(_host.Store, backlog, "Not scored yet", WorkStream.Model, _now.AddDays(-1));
        using var http = _host.Http();

        var response = await http.GetAsync($"/d/{Token}/export.csv");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var rows = ReadCsv(await response.Content.ReadAsStringAsync());

        rows[0].ShouldBe(["key", "title", "stream", "state", "column", "impact", "confidence", "rollback", "delay", "total", "placement", "reporter", "owner", "created", "state_since", "last_scored"]);
        rows.Count.ShouldBe(3);
        var first = rows.Single(r => r[0] == sprint.Key);
        first[1].ShouldBe("Sprint, with a comma and \"quotes\"");
        first[2..12].ShouldBe(["bug", "sprint", "", "3", "2", "2", "2", "19", "sprint", "Rita <Reporter>"]);
        first[13].ShouldBe(sprint.CreatedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        first[15].ShouldNotBeEmpty();
        var second = rows.Single(r => r[0] == fresh.Key);
        second[3].ShouldBe("new");
        second[9].ShouldBe("");
        second[15].ShouldBe("");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")")]
    [InlineData("+SUM(1,2)")]
    [InlineData("-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(1,2)")]
    public async Task CsvExport_DefusesCellsASpreadsheetWouldRunAsAFormula(string title)
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "formula", Token, _now);
        await TestBacklogs.AddAsync(_host.Store, backlog, title, WorkStream.Feature, _now.AddDays(-1));
        using var http = _host.Http();

        var rows = ReadCsv(await http.GetStringAsync($"/d/{Token}/export.csv"));

        rows[1][1].ShouldBe("'" + title);
    }

    [Fact]
    public async Task ItemPage_ShowsScoresPerRound_AndTheHistory()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "rounds", Token, _now);
        var item = await TestBacklogs.AddAsync(_host.Store, backlog, "Scored twice", WorkStream.Bug, _now.AddDays(-10), new Scores(1, 1, 1, 1));
        var reopened = ItemRules.RequestRescore(item, TestBacklogs.Pm, _now.AddDays(-5));
        var second = ItemRules.ApplyScore(reopened.Item, new ItemScore(new Scores(3, 3, 3, 3), new Dictionary<Dimension, string>(), 24, Queue.Sprint, 2, TestBacklogs.Pm, _now.AddDays(-4)), TestBacklogs.Pm, _now.AddDays(-4));
        var current = await _host.Store.Items.GetAsync(backlog.Id, item.Number, CancellationToken.None);
        await _host.Store.Items.ReplaceAsync(second.Item, current!.ETag, CancellationToken.None);
        await _host.Store.History.AppendAsync([.. reopened.History, .. second.History], CancellationToken.None);
        using var http = _host.Http();

        var html = await http.GetStringAsync($"/d/{Token}/items/{item.Number}");

        html.ShouldContain("Round 1: impact 1, confidence 1, rollback 1, delay 1 → Icebox");
        html.ShouldContain("Round 2: impact 3, confidence 3, rollback 3, delay 3 → Sprint");
        html.ShouldContain("Latest score (round 2)");
        html.ShouldContain("Voting round opened");
        html.IndexOf("Round 1:", StringComparison.Ordinal).ShouldBeLessThan(html.IndexOf("Round 2:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Page_RanksTheReadyQueueByTotalThenAge()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "rank", Token, _now);
        var younger16 = await TestBacklogs.AddAsync(_host.Store, backlog, "Sixteen, younger", WorkStream.Bug, _now.AddDays(-1), new Scores(2, 2, 2, 2));
        var top = await TestBacklogs.AddAsync(_host.Store, backlog, "Eighteen", WorkStream.Bug, _now.AddDays(-2), new Scores(2, 2, 3, 2));
        var older16 = await TestBacklogs.AddAsync(_host.Store, backlog, "Sixteen, older", WorkStream.Model, _now.AddDays(-9), new Scores(2, 2, 2, 2));
        using var http = _host.Http();

        var html = await http.GetStringAsync("/d/" + Token);
        var ready = html[html.IndexOf("id=\"ready\"", StringComparison.Ordinal)..html.IndexOf("id=\"new\"", StringComparison.Ordinal)];

        ready.ShouldContain("Ready queue (3)");
        var order = new[] { top, older16, younger16 }.Select(i => ready.IndexOf($"data-key=\"{i.Key}\"", StringComparison.Ordinal)).ToList();
        order.ShouldAllBe(i => i > 0);
        order.ShouldBeInOrder(SortDirection.Ascending);
    }

    private static List<string[]> ReadCsv(string text)
    {
        using var reader = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(reader.Parser.Record!);
        }

        return rows;
    }
}
