using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Slack.Signing;

namespace TriageBot.Slack.Tests.Fakes;

/// <summary>
/// A minimal host with <c>AddSlack</c> + <c>MapSlack</c> on Kestrel (loopback, free port), the hand-written fakes,
/// a fake clock and a fake Slack Web API; requests are signed for real with <see cref="Secret"/>.
/// </summary>
public sealed class SlackTestApp : IAsyncDisposable
{
    public const string Secret = "8f742231b10e8888abcd990011ee85a5";
    public const string Token = "xoxb-test-token";

    private readonly WebApplication _app;

    private SlackTestApp(WebApplication app, FakeSlackApi api, HttpClient client, ScriptedConversation conversation, InMemoryInbox inbox, InMemoryOutbox outbox, FakeTimeProvider time)
    {
        _app = app;
        Api = api;
        Client = client;
        Conversation = conversation;
        Inbox = inbox;
        Outbox = outbox;
        Time = time;
    }

    public FakeSlackApi Api { get; }
    public HttpClient Client { get; }
    public ScriptedConversation Conversation { get; }
    public InMemoryInbox Inbox { get; }
    public InMemoryOutbox Outbox { get; }
    public FakeTimeProvider Time { get; }

    public static async Task<SlackTestApp> StartAsync(string? signingSecret = Secret, Action<SlackTestApp>? configure = null)
    {
        var api = await FakeSlackApi.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var settings = new Dictionary<string, string?>
        {
            ["Slack:ApiBaseUrl"] = api.BaseUrl,
        };
        // No secret: Slack unconfigured, so no token either (a token alone would be a half-configured channel, refused at start).
        if (signingSecret is not null)
        {
            settings["Slack:SigningSecret"] = signingSecret;
            settings["Slack:BotToken"] = Token;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        var conversation = new ScriptedConversation();
        var inbox = new InMemoryInbox();
        var outbox = new InMemoryOutbox();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        builder.Services.AddSlack(builder.Configuration);
        builder.Services.AddSingleton<IConversation>(conversation);
        builder.Services.AddSingleton<IInbox>(inbox);
        builder.Services.AddSingleton<IOutbox>(outbox);
        builder.Services.AddSingleton<TimeProvider>(time);
        var app = builder.Build();
        app.MapSlack();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var self = new SlackTestApp(app, api, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) }, conversation, inbox, outbox, time);
        configure?.Invoke(self);
        return self;
    }

    /// <summary>Posts a body signed with <paramref name="secret"/> at the fake clock's time (or <paramref name="timestamp"/>).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(
        string path, string body, string contentType, string? secret = Secret, long? timestamp = null, IDictionary<string, string>? headers = null) =>
        PostSignedBytesAsync(path, Encoding.UTF8.GetBytes(body), contentType, secret, timestamp, headers);

    public Task<HttpResponseMessage> PostSignedBytesAsync(
        string path, byte[] bytes, string contentType, string? secret = Secret, long? timestamp = null, IDictionary<string, string>? headers = null)
    {
        var ts = (timestamp ?? Time.GetUtcNow().ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add(SlackRequestHeaders.Timestamp, ts);
        if (secret is not null)
        {
            request.Headers.Add(SlackRequestHeaders.Signature, SlackSignature.Sign(secret, ts, bytes));
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? secret = Secret, long? timestamp = null)
    {
        var body = string.Join("&", fields.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));
        return PostSignedAsync(path, body, "application/x-www-form-urlencoded", secret, timestamp);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, IDictionary<string, string>? headers = null) =>
        PostSignedAsync(path, json, "application/json", headers: headers);

    /// <summary>Polls a condition with a timeout (tests never sleep for a fixed time).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Api.DisposeAsync();
    }
}

/// <summary>Slack's request header names, as tests send them.</summary>
public static class SlackRequestHeaders
{
    public const string Signature = "X-Slack-Signature";
    public const string Timestamp = "X-Slack-Request-Timestamp";
    public const string RetryNum = "X-Slack-Retry-Num";
}
