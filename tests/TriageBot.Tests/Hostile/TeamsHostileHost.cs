using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Ports;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Hostile;

/// <summary>
/// The real host with Teams configured against the local OpenID issuer (real RS256 tokens), its Connector calls going to a
/// <see cref="FakeBotConnector"/> on loopback, on a fresh SQLite file. Slack is off.
/// </summary>
public sealed class TeamsHostileHost : IAsyncDisposable
{
    public const string AppId = "3b0c8f4e-5d21-4a7b-9c11-7e2f4a6b8d90";
    public const string TenantId = "5f2b7c1d-8e3a-4b9c-a0d1-2c3e4f5a6b7c";
    public const string BotId = "28:" + AppId;
    public const string ChannelId = "19:hostile-channel@thread.tacv2";
    public const string TeamId = "19:hostile-team@thread.tacv2";

    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _folder;

    private TeamsHostileHost(LocalOpenIdIssuer issuer, FakeBotConnector connector, WebApplicationFactory<Program> factory, string folder)
    {
        Issuer = issuer;
        Connector = connector;
        _factory = factory;
        _folder = folder;
        Client = factory.CreateClient();
    }

    public LocalOpenIdIssuer Issuer { get; }

    public FakeBotConnector Connector { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    public ITriageStore Store => Services.GetRequiredService<ITriageStore>();

    public static async Task<TeamsHostileHost> StartAsync(LocalOpenIdIssuer issuer, Action<IWebHostBuilder>? configure = null)
    {
        var connector = await FakeBotConnector.StartAsync();
        var folder = Directory.CreateTempSubdirectory("triagebot-teams-hostile-").FullName;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Storage:SqlitePath", Path.Combine(folder, "triagebot.db"));
            b.UseSetting("Ceremonies:Enabled", "false");
            b.UseSetting("Delivery:PollInterval", "00:00:00.100");
            b.UseSetting("MicrosoftAppType", "SingleTenant");
            b.UseSetting("MicrosoftAppId", AppId);
            b.UseSetting("MicrosoftAppPassword", "not-a-real-secret");
            b.UseSetting("MicrosoftAppTenantId", TenantId);
            b.UseSetting("Teams:OpenIdMetadataUrl", issuer.MetadataUrl);
            b.UseSetting("Teams:AllowedServiceUrlHosts:0", "127.0.0.1");
            b.ConfigureLogging(l => l.ClearProviders());
            b.ConfigureTestServices(services =>
                services.AddKeyedSingleton<TokenCredential>(TriageBot.Teams.ServiceCollectionExtensions.CredentialKey, new FixedCredential()));
            configure?.Invoke(b);
        });
        var host = new TeamsHostileHost(issuer, connector, factory, folder);
        _ = host.Services;
        return host;
    }

    public string ServiceUrl => Connector.ServiceUrl;

    /// <summary>The claims of a token the bot accepts for activities from <see cref="ServiceUrl"/>.</summary>
    public TokenSpec Spec() => new() { Audience = AppId, ServiceUrl = ServiceUrl };

    public string Token(Func<TokenSpec, TokenSpec>? change = null) => Issuer.Mint(change is null ? Spec() : change(Spec()));

    /// <summary>A channel message to the bot from Ada, as Teams sends it.</summary>
    public JsonObject Message(string text, string? id = null) => new()
    {
        ["type"] = "message",
        ["id"] = id ?? "1" + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["serviceUrl"] = ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:1ada-Lovelace", ["name"] = "Ada Lovelace", ["aadObjectId"] = "aaaaaaaa-0000-4000-8000-000000000001" },
        ["conversation"] = new JsonObject { ["id"] = ChannelId + ";messageid=1700000000001", ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = TenantId },
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "TriageBot" },
        ["text"] = "<at>TriageBot</at> " + text,
        ["textFormat"] = "plain",
        ["entities"] = new JsonArray(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>TriageBot</at>",
            ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = "TriageBot" },
        }),
        ["channelData"] = new JsonObject
        {
            ["tenant"] = new JsonObject { ["id"] = TenantId },
            ["team"] = new JsonObject { ["id"] = TeamId, ["name"] = "AI Product" },
            ["channel"] = new JsonObject { ["id"] = ChannelId, ["name"] = "triage" },
        },
    };

    /// <summary>An invoke from Ada in the channel.</summary>
    public JsonObject Invoke(string name, JsonNode? value)
    {
        var activity = Message("");
        activity.Remove("text");
        activity.Remove("textFormat");
        activity.Remove("entities");
        activity["type"] = "invoke";
        activity["name"] = name;
        activity["value"] = value;
        return activity;
    }

    /// <summary>A request to <c>/api/messages</c> with exactly this body, content type and Authorization header.</summary>
    public static HttpRequestMessage Request(byte[] body, string? authorization, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    public HttpRequestMessage Request(JsonNode activity, string? token = null) =>
        Request(Encoding.UTF8.GetBytes(activity.ToJsonString()), "Bearer " + (token ?? Token()));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Connector.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
