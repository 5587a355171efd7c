using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Ports;
using TriageBot.Delivery;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>A person in the test tenant: the Teams user id (<c>29:…</c>) the bot sees, and their AAD object id.</summary>
public sealed record TeamsPerson(string Id, string Name, string AadObjectId);

/// <summary>The people of the flows.</summary>
public static class People
{
    public static readonly TeamsPerson Ada = new("29:1ada-Lovelace_Q", "Ada Lovelace", "aaaaaaaa-0000-4000-8000-000000000001");
    public static readonly TeamsPerson Eli = new("29:1eli-Whitney_Q", "Eli Whitney", "aaaaaaaa-0000-4000-8000-000000000002");
    public static readonly TeamsPerson Grace = new("29:1grace-Hopper_Q", "Grace Hopper", "aaaaaaaa-0000-4000-8000-000000000003");
    public static readonly TeamsPerson Alan = new("29:1alan-Turing_Q", "Alan Turing", "aaaaaaaa-0000-4000-8000-000000000004");
    public static readonly TeamsPerson Barbara = new("29:1barbara-Liskov_Q", "Barbara Liskov", "aaaaaaaa-0000-4000-8000-000000000005");
    public static readonly TeamsPerson Ken = new("29:1ken-Thompson_Q", "Ken Thompson", "aaaaaaaa-0000-4000-8000-000000000006");
}

/// <summary>
/// The whole product in <see cref="WebApplicationFactory{TEntryPoint}"/>: the real host and its SQLite store on a temp file,
/// Teams pointed at the local OpenID issuer, Connector calls going to a fake Bot Connector on loopback, time from a
/// <see cref="FakeTimeProvider"/>. The delivery worker does not run by itself: <see cref="DrainAsync"/> drives it.
/// </summary>
public sealed class TeamsProduct : IAsyncDisposable
{
    public const string AppId = "0c7e1d52-7a8b-4c1e-9f00-5e1d2c3b4a51";
    public const string TenantId = "9d3f1a77-2b4c-4d5e-8f60-718293a4b5c6";
    public const string BotId = "28:" + AppId;
    public const string ChannelId = "19:triage-channel-0001@thread.tacv2";
    public const string TeamId = "19:ai-product-team@thread.tacv2";

    /// <summary>A Monday morning: working-day rules (capability-note reminders) are predictable from here.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly LocalOpenIdIssuer _issuer;
    private readonly WebApplicationFactory<Program> _factory;
    private readonly HttpClient _client;
    private readonly string _folder;
    private readonly List<(string Name, JsonObject Card)> _answeredCards = [];
    private int _nextId = 1_700_000_000;

    public FakeBotConnector Connector { get; }
    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => _factory.Services;
    public ITriageStore Store => Services.GetRequiredService<ITriageStore>();
    public string ServiceUrl => Connector.ServiceUrl;

    private TeamsProduct(LocalOpenIdIssuer issuer, FakeBotConnector connector, FakeTimeProvider time, WebApplicationFactory<Program> factory, string folder)
    {
        _issuer = issuer;
        Connector = connector;
        Time = time;
        _factory = factory;
        _folder = folder;
        _client = factory.CreateClient();
    }

    /// <summary>Starts the product; <paramref name="configure"/> adds to (or overrides) the test settings and services.</summary>
    public static async Task<TeamsProduct> StartAsync(LocalOpenIdIssuer issuer, Action<IWebHostBuilder>? configure = null)
    {
        var connector = await FakeBotConnector.StartAsync();
        var time = new FakeTimeProvider(Start);
        var folder = Directory.CreateTempSubdirectory("triagebot-teams-e2e-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["Storage:SqlitePath"] = Path.Combine(folder, "triagebot.db"),
            ["Ceremonies:Enabled"] = "false",
            // Fewer than Teams' 7 messages per second per conversation in one drain, so pacing never waits on the fake clock.
            ["Delivery:BatchSize"] = "5",
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "not-a-real-secret",
            ["MicrosoftAppTenantId"] = TenantId,
            ["Teams:OpenIdMetadataUrl"] = issuer.MetadataUrl,
            ["Teams:AllowedServiceUrlHosts:0"] = "127.0.0.1",
        };
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings) b.UseSetting(key, value);
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            b.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(time);
                services.AddKeyedSingleton<TokenCredential>(TriageBot.Teams.ServiceCollectionExtensions.CredentialKey, new FixedCredential());
                // The delivery loop would race the test's own drains; the test drives DrainOnceAsync instead.
                var loop = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is Func<IServiceProvider, DeliveryWorker>);
                services.Remove(loop);
            });
            configure?.Invoke(b);
        });
        var product = new TeamsProduct(issuer, connector, time, factory, folder);
        return product;
    }

    // ---- inbound ----

    public string NewId() => Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A token the bot accepts, valid around the fake clock's now; <paramref name="change"/> forges it.</summary>
    public string Token(Func<TokenSpec, TokenSpec>? change = null)
    {
        var now = Time.GetUtcNow();
        var spec = new TokenSpec { Audience = AppId, ServiceUrl = ServiceUrl, NotBefore = now.AddMinutes(-1), Expires = now.AddMinutes(30) };
        return _issuer.Mint(change is null ? spec : change(spec));
    }

    public async Task<HttpResponseMessage> SendAsync(JsonObject activity, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Posts with a valid token, expects 200, and keeps any card in the answer for validation.</summary>
    public async Task<JsonNode?> PostOkAsync(JsonObject activity, string? token = null)
    {
        using var response = await SendAsync(activity, token ?? Token());
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{activity["type"]} {activity["name"]}: {text}");
        if (text.Length == 0) return null;
        var body = JsonNode.Parse(text);
        foreach (var card in Cards.InAnswer(body)) _answeredCards.Add(($"answer-{_answeredCards.Count:D3}", card));
        return body;
    }

    // ---- outbound ----

    /// <summary>
    /// Runs the delivery worker until two rounds in a row find nothing due, moving the fake clock 3 s before each round:
    /// past Teams' pacing window and the short "waiting for the thread's first message" retries, but never past a real
    /// Retry-After, which a test moves the clock over itself.
    /// </summary>
    public async Task DrainAsync()
    {
        var worker = Services.GetRequiredService<DeliveryWorker>();
        var idle = 0;
        for (var round = 0; round < 200 && idle < 2; round++)
        {
            Time.Advance(TimeSpan.FromSeconds(3));
            idle = await worker.DrainOnceAsync(CancellationToken.None) == 0 ? idle + 1 : 0;
        }
        idle.ShouldBe(2, "the outbox kept producing work for 200 rounds");
    }

    public IReadOnlyList<ConnectorCall> Calls => [.. Connector.Calls];

    /// <summary>Every Adaptive Card the fake Connector received, and every card the bot answered an invoke with.</summary>
    public IEnumerable<(string Name, JsonObject Card)> AllCards()
    {
        var n = 0;
        foreach (var call in Calls)
            foreach (var card in Cards.InActivity(call.Body))
                yield return ($"connector-{n++:D3}", card);
        foreach (var answered in _answeredCards) yield return answered;
    }

    /// <summary>Runs <c>tools/validate-cards.mjs</c> (Adaptive Card 1.5 schema + the official renderer's parse) over <see cref="AllCards"/>.</summary>
    public async Task ShouldAllBeValidCardsAsync()
    {
        var cards = AllCards().ToList();
        cards.ShouldNotBeEmpty();
        var folder = Directory.CreateTempSubdirectory("triagebot-teams-e2e-cards-").FullName;
        try
        {
            foreach (var (name, card) in cards) await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), card.ToJsonString());
            var report = await NodeTools.RunAsync("validate-cards.mjs", NodeTools.SchemaPath("adaptive-card-1.5.0.schema.json"), folder);
            var files = report["files"]!.AsArray();
            files.Count.ShouldBe(cards.Count);
            foreach (var file in files)
            {
                var name = file!["file"]!.GetValue<string>();
                file["schemaErrors"]!.AsArray().ShouldBeEmpty($"{name}: {file["schemaErrors"]!.ToJsonString()}");
                file["parseEvents"]!.AsArray().ShouldBeEmpty($"{name}: {file["parseEvents"]!.ToJsonString()}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await Connector.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still held by a finalizer; the temp folder is cleaned by the OS.
        }
    }
}
