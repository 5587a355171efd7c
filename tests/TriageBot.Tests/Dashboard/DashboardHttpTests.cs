using System.Globalization;
using System.Net;
using CsvHelper;
using TriageBot.Core.DataTransfer;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
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

        // The one item CSV (the CLI's export too): every column, in file order.
        rows[0].ShouldBe([.. ItemColumns.All]);
        rows.Count.ShouldBe(3);
        var first = Cells(rows, sprint.Key);
        first[ItemColumns.Title].ShouldBe("Sprint, with a comma and \"quotes\"");
        first[ItemColumns.Stream].ShouldBe("bug");
        first[ItemColumns.State].ShouldBe("sprint");
        first[ItemColumns.Column].ShouldBe("");
        new[] { first[ItemColumns.Impact], first[ItemColumns.Confidence], first[ItemColumns.Rollback], first[ItemColumns.Delay] }.ShouldBe(["3", "2", "2", "2"]);
        first[ItemColumns.Total].ShouldBe("19");
        first[ItemColumns.Placement].ShouldBe("sprint");
        first[ItemColumns.Reporter].ShouldBe($"Rita <Reporter> <{sprint.Reporter.Key}>");
        DateTimeOffset.Parse(first[ItemColumns.Created], CultureInfo.InvariantCulture).ShouldBe(sprint.CreatedAt);
        first[ItemColumns.LastScored].ShouldNotBeEmpty();
        var second = Cells(rows, fresh.Key);
        second[ItemColumns.State].ShouldBe("new");
        second[ItemColumns.Total].ShouldBe("");
        second[ItemColumns.LastScored].ShouldBe("");
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

        rows[1][rows[0].ToList().IndexOf(ItemColumns.Title)].ShouldBe("'" + title);
    }

    [Fact]
    public async Task ItemPage_ShowsScoresPerRound_AndTheHistory()
    {
        var backlog = await TestBacklogs.CreateAsync(_host.Store, "rounds", Token, _now);
        var item = await TestBacklogs.AddAsync(_host.Store, backlog, "Scored twice", WorkStream.Bug, _now.AddDays(-10), new Scores(1, 1, 1, 1));
        var reopened = ScoringRules.RequestRescore(item, TestBacklogs.Pm, _now.AddDays(-5));
        var second = ScoringRules.ApplyScore(reopened.Item, new ItemScore(new Scores(3, 3, 3, 3), new Dictionary<Dimension, string>(), 24, Queue.Sprint, 2, TestBacklogs.Pm, _now.AddDays(-4)), TestBacklogs.Pm, _now.AddDays(-4));
        var current = await _host.Store.Items.GetAsync(backlog.Id, item.Number, CancellationToken.None);
        await _host.Store.Writes.WriteAsync(new ItemWrite { Item = second.Item, ETag = current!.ETag }, CancellationToken.None);
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

    /// <summary>The cells of the row whose key is <paramref name="key"/>, by column name.</summary>
    private static Dictionary<string, string> Cells(List<string[]> rows, string key)
    {
        var row = rows.Single(r => r[0] == key);
        return rows[0].Select((column, i) => (column, i)).ToDictionary(c => c.column, c => row[c.i], StringComparer.Ordinal);
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
