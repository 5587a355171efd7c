using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

/// <summary>
/// The real host on a loopback port (Kestrel) with the playground on, its tracker sync pointed at a <see cref="FakeGitHub"/>,
/// on SQLite (a temp file) or Azure Tables (Azurite, a fresh table prefix).
/// </summary>
public sealed class TrackerHost : WebApplicationFactory<Program>
{
    public const string WebhookSecret = "It's a Secret to Everybody";
    private readonly string directory = Path.Combine(Path.GetTempPath(), "triagebot-trackers", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> settings;

    public TrackerHost(FakeGitHub github, string? azuriteConnectionString = null, FakeJira? jira = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        Directory.CreateDirectory(directory);
        settings = new()
        {
            ["Storage:SqlitePath"] = Path.Combine(directory, "triagebot.db"),
            ["Ceremonies:Enabled"] = "false",
            ["Delivery:PollInterval"] = "00:00:00.200",
            ["PublicBaseUrl"] = "https://triage.example",
            ["Trackers:GitHub:Token"] = "github_pat_test",
            ["Trackers:GitHub:ApiBaseUrl"] = github.BaseUrl,
            ["Trackers:GitHub:WebhookSecret"] = WebhookSecret,
            ["Trackers:PollInterval"] = "00:00:00.100",
            ["Trackers:RequestTimeout"] = "00:00:02",
            ["Trackers:FirstBackoff"] = "00:00:00.200",
        };
        if (jira is not null)
        {
            settings["Trackers:Jira:SiteUrl"] = jira.SiteUrl;
            settings["Trackers:Jira:Email"] = "priya@example.com";
            settings["Trackers:Jira:ApiToken"] = "jira-api-token";
            settings["Trackers:Jira:WebhookSecret"] = WebhookSecret;
        }

        if (azuriteConnectionString is not null)
        {
            settings["Storage:Provider"] = "AzureTables";
            settings["Storage:ConnectionString"] = azuriteConnectionString;
            settings["Storage:TablePrefix"] = "trk" + Guid.NewGuid().ToString("N")[..10];
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public Uri BaseAddress { get; }

    /// <summary>The host's storage settings, for the command line (<c>backup</c>, <c>restore</c>) against the same store.</summary>
    public IReadOnlyDictionary<string, string?> StorageSettings => settings.Where(s => s.Key.StartsWith("Storage:", StringComparison.Ordinal)).ToDictionary();

    public ITriageStore Store => Services.GetRequiredService<ITriageStore>();

    public ITrackerStore Trackers => Services.GetRequiredService<ITrackerStore>();

    public HttpClient Http() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async Task SeedAsync()
    {
        using var http = Http();
        (await http.PostAsJsonAsync("/playground/api/seed", new { })).EnsureSuccessStatusCode();
    }

    /// <summary>Types a command in the playground's triage channel as a sample person; returns the answer's text.</summary>
    public async Task<string> SayAsync(string person, string command)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("/playground/api/interact", new { @as = person, channel = "triage", command });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).Replace("\\u0027", "'", StringComparison.Ordinal);
    }

    /// <summary>Presses a card button in the playground's triage channel as a sample person; returns the answer's JSON.</summary>
    public async Task<string> PressAsync(string person, string actionId, string? arg)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("/playground/api/interact", new { @as = person, channel = "triage", action = new { id = actionId, arg } });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Submits a form in the playground's triage channel as a sample person; returns the answer's JSON.</summary>
    public async Task<string> SubmitAsync(string person, string formId, string? arg, Dictionary<string, string> values)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("/playground/api/interact", new { @as = person, channel = "triage", submit = new { formId, arg, values } });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a GitHub <c>issues</c> webhook, signed with <paramref name="secret"/>.</summary>
    public async Task<HttpResponseMessage> GitHubWebhookAsync(string deliveryId, object payload, string secret = WebhookSecret, string @event = "issues")
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        using var http = Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/trackers/github/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", @event);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return await http.SendAsync(request);
    }

    /// <summary>Posts a Jira webhook, signed (<c>X-Hub-Signature</c>) with <paramref name="secret"/>.</summary>
    public async Task<HttpResponseMessage> JiraWebhookAsync(string deliveryId, object payload, string secret = WebhookSecret)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        using var http = Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/trackers/jira/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Atlassian-Webhook-Identifier", deliveryId);
        request.Headers.Add("X-Hub-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return await http.SendAsync(request);
    }

    public async Task<Item> ItemAsync(int number) => (await Store.Items.GetAsync("demo", number, CancellationToken.None))!.Value;

    /// <summary>The first demo item in <paramref name="state"/> of a stream other than model (which needs a gate to be done).</summary>
    public async Task<Item> FirstAsync(ItemState state)
    {
        await foreach (var item in Store.Items.QueryAsync(new ItemQuery("demo") { States = [state] }, CancellationToken.None))
        {
            if (item.Stream != WorkStream.Model)
            {
                return item;
            }
        }

        throw new InvalidOperationException($"The demo backlog has no {state} item.");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails after <paramref name="seconds"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> condition, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await condition() is { } value && (value is not bool b || b))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Not within {seconds} s: {what}");
            }

            await Task.Yield();
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            await tick.WaitForNextTickAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
