using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Playground;
using TriageBot.Tests.Browser;

namespace TriageBot.Tests.Playground;

public sealed class PlaygroundHttpTests : IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Page_IsServedOnLoopback_WithTheOfficialRendererWhenInstalled()
    {
        using var http = _host.Http();
        var html = await http.GetStringAsync("/playground");

        html.ShouldContain("<html lang=\"en\">");
        html.ShouldContain("Seed demo data");
        html.ShouldContain("/playground/lib/adaptivecards.min.js");
        (await http.GetAsync("/playground/lib/adaptivecards.min.js")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Request_WithANonLoopbackHostName_IsRefused()
    {
        using var http = _host.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/playground");
        request.Headers.Host = "rebound.evil.example";

        var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Post_FromAnotherOrigin_IsRefused()
    {
        using var http = _host.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/playground/api/seed") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Origin", "http://evil.example");

        var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _host.Store.Backlogs.GetAsync(DemoSeeder.BacklogId, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Interact_AsSomeoneWhoIsNotASamplePerson_IsA400()
    {
        using var http = _host.Http();
        var response = await http.PostAsJsonAsync("/playground/api/interact", new { @as = "mallory", channel = "triage", command = "help" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("priya");
    }

    [Fact]
    public async Task Interact_HelpCommand_RepliesWithTheSameCardTeamsShows()
    {
        using var http = _host.Http();
        var response = await http.PostAsJsonAsync("/playground/api/interact", new { @as = "mei", channel = "triage", command = "help" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        body.GetProperty("kind").GetString().ShouldBe("reply");
        var card = body.GetProperty("card");
        card.GetProperty("type").GetString().ShouldBe("AdaptiveCard");
        card.GetRawText().ShouldContain("TriageBot commands");
    }

    [Fact]
    public async Task Seed_IsIdempotent_AndBindsBothChannels()
    {
        using var http = _host.Http();
        var first = await (await http.PostAsJsonAsync("/playground/api/seed", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var count = await CountItemsAsync();
        var second = await (await http.PostAsJsonAsync("/playground/api/seed", new { })).Content.ReadFromJsonAsync<JsonElement>();

        first.GetProperty("created").GetBoolean().ShouldBeTrue();
        second.GetProperty("created").GetBoolean().ShouldBeFalse();
        (await CountItemsAsync()).ShouldBe(count);
        count.ShouldBe(first.GetProperty("items").GetInt32());
        second.GetProperty("dashboard").GetString().ShouldBe(first.GetProperty("dashboard").GetString());
        foreach (var channel in PlaygroundChannels.All)
        {
            var binding = await _host.Store.Bindings.GetAsync(Platform.Playground, PlaygroundChannels.Workspace, channel, CancellationToken.None);
            binding!.BacklogId.ShouldBe(DemoSeeder.BacklogId);
        }
    }

    [Fact]
    public async Task Seed_CoversEveryStreamAndState_WithHistoryForAllocation()
    {
        using var http = _host.Http();
        await http.PostAsJsonAsync("/playground/api/seed", new { });

        var items = new List<Item>();
        await foreach (var i in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId), CancellationToken.None))
        {
            items.Add(i);
        }

        items.Select(i => i.Stream).Distinct().Count().ShouldBe(Enum.GetValues<WorkStream>().Length);
        items.Select(i => i.State).Distinct().Count().ShouldBe(Enum.GetValues<ItemState>().Length);
        items.ShouldContain(i => i.HeldPlacement != null);
        var oldest = DateTimeOffset.MaxValue;
        var activations = 0;
        await foreach (var e in _host.Store.History.ReadAsync(DemoSeeder.BacklogId, DateTimeOffset.UtcNow.AddDays(-200), DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None))
        {
            oldest = e.At < oldest ? e.At : oldest;
            activations += e.Kind == HistoryKind.StateChanged && e.To == nameof(ItemState.Active) ? 1 : 0;
        }

        oldest.ShouldBeLessThan(DateTimeOffset.UtcNow.AddDays(-80));
        activations.ShouldBeGreaterThanOrEqualTo(8);
    }

    private async Task<int> CountItemsAsync()
    {
        var n = 0;
        await foreach (var _ in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId), CancellationToken.None))
        {
            n++;
        }

        return n;
    }
}

public sealed class PlaygroundEnvironmentTests
{
    [Fact]
    public async Task Playground_IsOffInProduction()
    {
        await using var host = new KestrelHost("Production");
        using var http = host.Http();

        (await http.GetAsync("/playground")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        host.Services.GetServices<IChannelSender>().ShouldNotContain(s => s.Platform == Platform.Playground);
    }

    [Fact]
    public async Task Playground_CanBeTurnedOnInProduction_Explicitly()
    {
        await using var host = new KestrelHost("Production", new Dictionary<string, string> { ["Playground:Enabled"] = "true" });
        using var http = host.Http();

        (await http.GetAsync("/playground")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Playground_CanBeTurnedOffInDevelopment()
    {
        await using var host = new KestrelHost("Development", new Dictionary<string, string> { ["Playground:Enabled"] = "false" });
        using var http = host.Http();

        (await http.GetAsync("/playground")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Root_RedirectsToThePlayground_WhenItIsOn()
    {
        await using var on = new KestrelHost();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = on.BaseAddress };

        var response = await http.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/playground");
    }

    [Fact]
    public async Task Root_RedirectsToTheHealthPage_WhenThePlaygroundIsOff_OrTheCallerIsNotThisMachine()
    {
        await using var off = new KestrelHost("Development", new Dictionary<string, string> { ["Playground:Enabled"] = "false" });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = off.BaseAddress };
        var response = await http.GetAsync("/");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/health");

        await using var on = new KestrelHost();
        using var proxied = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = on.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        (await proxied.SendAsync(request)).Headers.Location!.OriginalString.ShouldBe("/health");
    }
}

public sealed class PlaygroundClinicTests : IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task ClinicCommand_PostsTheAgenda_WithBallotsInItsThread()
    {
        using var http = _host.Http();
        await http.PostAsJsonAsync("/playground/api/seed", new { });

        var started = await http.PostAsJsonAsync("/playground/api/interact", new { @as = "priya", channel = "clinic", command = "clinic" });
        started.StatusCode.ShouldBe(HttpStatusCode.OK);

        // The delivery worker drains the outbox into the feed; poll it until a ballot sits in a thread.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement? ballot = null;
        while (ballot is null && DateTime.UtcNow < deadline)
        {
            var feed = await http.GetFromJsonAsync<JsonElement>("/playground/api/feed?after=0");
            ballot = feed.GetProperty("entries").EnumerateArray()
                .Where(e => e.GetProperty("channel").GetString() == "clinic" && e.GetProperty("thread").ValueKind == JsonValueKind.String)
                .Where(e => e.GetProperty("card").ValueKind == JsonValueKind.Object && e.GetProperty("card").GetRawText().Contains("Hallucinated order numbers", StringComparison.Ordinal)
                    && e.GetProperty("card").GetRawText().Contains("Scoring ", StringComparison.Ordinal))
                .Cast<JsonElement?>().FirstOrDefault();
            if (ballot is null)
            {
                await Task.Delay(100);
            }
        }

        ballot.ShouldNotBeNull("no ballot for the New item 'Hallucinated order numbers' reached the #clinic feed within 20 s");
        ballot.Value.GetProperty("card").GetRawText().ShouldContain("\"verb\":\"vote\"");
    }
}
