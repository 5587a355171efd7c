using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;

namespace TriageBot.Teams.Tests.Fakes;

/// <summary>The Teams channel in a real Kestrel host on loopback, wired to fakes the test owns.</summary>
public sealed class TeamsTestHost : IAsyncDisposable
{
    public const string AppId = "6f1f2a3b-1111-4c4c-9d9d-0123456789ab";
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private readonly WebApplication _app;
    public HttpClient Client { get; }
    public ScriptedConversation Conversation { get; } = new();
    public InMemoryInbox Inbox { get; } = new();
    public InMemoryOutbox Outbox { get; } = new();
    public InMemoryBindingStore Bindings { get; } = new();
    public FixedCredential Credential { get; } = new();
    public IServiceProvider Services => _app.Services;

    private TeamsTestHost(WebApplication app, HttpClient client, ScriptedConversation c, InMemoryInbox i, InMemoryOutbox o, InMemoryBindingStore b, FixedCredential cred)
    {
        _app = app;
        Client = client;
        Conversation = c;
        Inbox = i;
        Outbox = o;
        Bindings = b;
        Credential = cred;
    }

    /// <summary>Settings for a correctly configured single-tenant bot that trusts <paramref name="issuer"/>.</summary>
    public static Dictionary<string, string?> Settings(LocalOpenIdIssuer issuer, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "not-a-real-secret",
            ["MicrosoftAppTenantId"] = TenantId,
            ["Teams:OpenIdMetadataUrl"] = issuer.MetadataUrl,
            ["Teams:AllowedServiceUrlHosts:0"] = "smba.trafficmanager.net",
            ["Teams:AllowedServiceUrlHosts:1"] = "127.0.0.1",
        };
        foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    public static async Task<TeamsTestHost> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var conversation = new ScriptedConversation();
        var inbox = new InMemoryInbox();
        var outbox = new InMemoryOutbox();
        var bindings = new InMemoryBindingStore();
        var credential = new FixedCredential();
        builder.Services.AddSingleton<IConversation>(conversation);
        builder.Services.AddSingleton<IInbox>(inbox);
        builder.Services.AddSingleton<IOutbox>(outbox);
        builder.Services.AddSingleton<IBindingStore>(bindings);
        builder.Services.AddKeyedSingleton<TokenCredential>(ServiceCollectionExtensions.CredentialKey, credential);
        configure?.Invoke(builder.Services);
        builder.Services.AddTeams(builder.Configuration);
        var app = builder.Build();
        app.MapTeams();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        return new TeamsTestHost(app, client, conversation, inbox, outbox, bindings, credential);
    }

    public async Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Builds activity JSON as Teams sends it.</summary>
public static class TeamsActivities
{
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    public const string ChannelId = "19:a1b2c3@thread.tacv2";
    public const string TeamId = "19:team0001@thread.tacv2";
    public const string UserAad = "00000000-aaaa-bbbb-cccc-000000000001";
    public const string BotId = "28:" + TeamsTestHost.AppId;

    public static JsonObject Base(string type, string? id = null, string serviceUrl = ServiceUrl, string conversationId = ChannelId + ";messageid=1700000000001") => new()
    {
        ["type"] = type,
        ["id"] = id ?? "act-" + Guid.NewGuid().ToString("N"),
        ["timestamp"] = "2026-11-26T10:00:00Z",
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:user-one", ["name"] = "Ada Lovelace", ["aadObjectId"] = UserAad },
        ["conversation"] = new JsonObject { ["id"] = conversationId, ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = TeamsTestHost.TenantId },
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "TriageBot" },
        ["channelData"] = new JsonObject
        {
            ["tenant"] = new JsonObject { ["id"] = TeamsTestHost.TenantId },
            ["team"] = new JsonObject { ["id"] = TeamId, ["name"] = "AI Product" },
            ["channel"] = new JsonObject { ["id"] = ChannelId, ["name"] = "triage" },
        },
    };

    public static JsonObject Message(string text, string? id = null, string serviceUrl = ServiceUrl)
    {
        var a = Base("message", id, serviceUrl);
        a["text"] = text;
        a["textFormat"] = "plain";
        a["entities"] = new JsonArray(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>TriageBot</at>",
            ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = "TriageBot" },
        });
        return a;
    }

    public static JsonObject Invoke(string name, JsonObject value, string? id = null)
    {
        var a = Base("invoke", id);
        a["name"] = name;
        a["value"] = value;
        return a;
    }
}
