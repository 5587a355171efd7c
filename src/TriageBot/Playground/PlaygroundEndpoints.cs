using Microsoft.Extensions.Options;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.UseCases;
using TriageBot.Core.Views;
using TriageBot.Dashboard;

namespace TriageBot.Playground;

/// <summary>
/// The playground (SPEC §10): a chat-like page on loopback that is a third channel over the same Core. Registered only
/// when enabled; every route refuses callers that are not this machine.
/// </summary>
public static partial class PlaygroundEndpoints
{
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    internal const string RendererPath = "lib/adaptivecards.min.js";

    public static WebApplicationBuilder AddPlayground(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<PlaygroundOptions>(builder.Configuration.GetSection(PlaygroundOptions.Section));
        var options = builder.Configuration.GetSection(PlaygroundOptions.Section).Get<PlaygroundOptions>() ?? new PlaygroundOptions();
        if (!options.IsEnabled(builder.Environment))
        {
            return builder;
        }

        builder.Services.AddSingleton<PlaygroundFeed>();
        builder.Services.AddSingleton<PlaygroundSender>();
        builder.Services.AddSingleton<IChannelSender>(sp => sp.GetRequiredService<PlaygroundSender>());
        builder.Services.AddSingleton<PlaygroundApi>();
        builder.Services.AddSingleton<DemoSeeder>();
        return builder;
    }

    public static WebApplication MapPlayground(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var on = app.Services.GetService<PlaygroundFeed>() is not null;

        // `/` is the playground for someone on this machine when it is on, the health page otherwise.
        app.MapGet("/", (HttpContext http) => Results.Redirect(on && PlaygroundAccess.Allows(http) ? "/playground" : "/health"));
        if (!on)
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Playground");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in ReadyUrls(app.Urls))
            {
                LogReady(logger, url);
            }
        });
        if (!app.Environment.IsDevelopment())
        {
            LogEnabledOutsideDevelopment(logger, app.Environment.EnvironmentName);
        }

        var group = app.MapGroup("/playground");
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!PlaygroundAccess.Allows(http))
            {
                LogRefused(logger, http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return Results.Text("The playground only answers requests made directly from this machine (loopback, not through a proxy).", statusCode: StatusCodes.Status403Forbidden);
            }

            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            return await next(context);
        });

        group.MapGet("", (IWebHostEnvironment env) =>
            Results.Content(PlaygroundPage.Render(env.WebRootFileProvider.GetFileInfo(RendererPath).Exists), "text/html; charset=utf-8"));
        group.MapGet("/playground.js", (IWebHostEnvironment env) => DashboardEndpoints.Asset(env.WebRootFileProvider, "playground/playground.js", "text/javascript; charset=utf-8"));
        group.MapGet("/plain-cards.js", (IWebHostEnvironment env) => DashboardEndpoints.Asset(env.WebRootFileProvider, "playground/plain-cards.js", "text/javascript; charset=utf-8"));
        group.MapGet("/playground.css", (IWebHostEnvironment env) => DashboardEndpoints.Asset(env.WebRootFileProvider, "playground/playground.css", "text/css; charset=utf-8"));
        group.MapGet("/lib/adaptivecards.min.js", (IWebHostEnvironment env) => DashboardEndpoints.Asset(env.WebRootFileProvider, RendererPath, "text/javascript; charset=utf-8"));

        group.MapGet("/api/state", StateAsync);
        group.MapGet("/api/feed", FeedAsync);
        group.MapGet("/charts/{backlogId}.png", ChartAsync);
        group.MapPost("/api/interact", (InteractRequest request, PlaygroundApi api, CancellationToken ct) => api.InteractAsync(request, ct));
        group.MapPost("/api/seed", async (DemoSeeder seeder, CancellationToken ct) =>
        {
            var result = await seeder.SeedAsync(ct);
            return Results.Json(new { created = result.Created, items = result.Items, backlog = result.Backlog.Name, dashboard = "/d/" + Uri.EscapeDataString(result.Backlog.DashboardToken) });
        });
        group.MapPost("/api/ballot", OpenBallotAsync);
        return app;
    }

    /// <summary>
    /// The feed as one person sees it (<c>as</c>): the channel's messages and their own private ones, each card without
    /// the buttons their role may not use. Without a known person, only what everyone sees, as a member would.
    /// </summary>
    private static async Task<IResult> FeedAsync(long? after, string? @as, PlaygroundFeed feed, ITriageStore store, CancellationToken ct)
    {
        var person = SamplePeople.Find(@as);
        var (entries, version) = feed.Since(after ?? 0, person?.User.UserId ?? "");
        var role = person is null ? Role.Member : await RoleOfAsync(store, person, ct);
        return Results.Json(new { version, entries = entries.Select(e => e.Card is null ? e : e with { Card = PlaygroundCards.ForRole(e.Card, role) }) });
    }

    private static async Task<Role> RoleOfAsync(ITriageStore store, SamplePerson person, CancellationToken ct)
    {
        foreach (var channel in PlaygroundChannels.All)
        {
            if (await store.Bindings.GetAsync(Platform.Playground, PlaygroundChannels.Workspace, channel, ct) is { } binding)
            {
                return (await store.Members.GetAsync(binding.BacklogId, person.User.Key, ct))?.Role ?? Role.Member;
            }
        }

        return person.Role;
    }

    /// <summary>A backlog's allocation chart as of now, for the allocation review's card: the playground is loopback-only, so it needs no signed link.</summary>
    private static async Task<IResult> ChartAsync(string backlogId, ITriageStore store, ReportBuilder reports, TimeProvider time, CancellationToken ct)
    {
        var backlog = await store.Backlogs.GetAsync(backlogId, ct);
        if (backlog is null)
        {
            return Results.NotFound();
        }

        var review = await reports.BuildAllocationAsync(backlog.Value, time.GetUtcNow(), ct);
        return Results.File(Charts.AllocationChart.RenderPng(review.Streams), "image/png");
    }

    private static async Task<IResult> StateAsync(ITriageStore store, IWebHostEnvironment env, CancellationToken ct)
    {
        var binding = await store.Bindings.GetAsync(Platform.Playground, PlaygroundChannels.Workspace, PlaygroundChannels.Triage, ct)
            ?? await store.Bindings.GetAsync(Platform.Playground, PlaygroundChannels.Workspace, PlaygroundChannels.Clinic, ct);
        var backlog = binding is null ? null : (await store.Backlogs.GetAsync(binding.BacklogId, ct))?.Value;
        var roles = new Dictionary<string, string>();
        foreach (var p in SamplePeople.All)
        {
            var member = backlog is null ? null : await store.Members.GetAsync(backlog.Id, p.User.Key, ct);
            roles[p.User.UserId] = (member?.Role ?? p.Role).ToString().ToLowerInvariant();
        }

        return Results.Json(new
        {
            people = SamplePeople.All.Select(p => new { id = p.User.UserId, name = p.User.DisplayName, role = roles[p.User.UserId] }),
            channels = PlaygroundChannels.All,
            rich = env.WebRootFileProvider.GetFileInfo(RendererPath).Exists,
            backlog = backlog is null ? null : new { name = backlog.Name, prefix = backlog.KeyPrefix, dashboard = "/d/" + Uri.EscapeDataString(backlog.DashboardToken) },
        });
    }

    /// <summary>The page's request to put one item up for a vote.</summary>
    public sealed record BallotRequest(string? As, string? Key);

    /// <summary>
    /// Posts a clinic ballot for one item into the clinic channel, the way the clinic does: a live ballot through the
    /// outbox, under the logical name Core updates on every vote. Lets one person run a clinic on a single item.
    /// </summary>
    private static async Task<IResult> OpenBallotAsync(BallotRequest request, ITriageStore store, TimeProvider time, IOutboxSignal signal, CancellationToken ct)
    {
        var person = SamplePeople.Find(request.As);
        var binding = await store.Bindings.GetAsync(Platform.Playground, PlaygroundChannels.Workspace, PlaygroundChannels.Clinic, ct);
        if (person is null || binding is null)
        {
            return Results.Problem("Seed the demo data (or run setup in #clinic) and act as a known person first.", statusCode: 400);
        }

        var member = await store.Members.GetAsync(binding.BacklogId, person.User.Key, ct);
        if (!Permissions.Allows(member?.Role ?? Role.Member, Permission.StartClinic))
        {
            return Results.Json(new { error = $"Only {Permissions.WhoMay(Permission.StartClinic)} can open a ballot." }, statusCode: 403);
        }

        var number = request.Key is null ? null : CommandParser.ParseItemNumber(request.Key);
        var item = number is null ? null : await store.Items.GetAsync(binding.BacklogId, number.Value, ct);
        if (item is null)
        {
            return Results.Json(new { error = $"\"{request.Key}\" is not an item of this backlog." }, statusCode: 404);
        }

        var now = time.GetUtcNow();
        var where = binding.Address with { ThreadId = null };
        // Core names a posted ballot "ballot:{backlog}/{number}" and refreshes that message after every vote.
        var messageRef = $"ballot:{item.Value.BacklogId}/{item.Value.Number}";
        await store.MessageRefs.SetAsync(messageRef, where, "", ct);
        await store.Outbox.EnqueueAsync(new OutboxMessage
        {
            Id = $"{now:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}",
            Kind = OutboxKind.Post,
            Target = where,
            Payload = OutboxViews.Payload(new LiveBallotView(item.Value.BacklogId, item.Value.Number)),
            Live = true,
            MessageRef = messageRef,
            BacklogId = item.Value.BacklogId,
            CreatedAt = now,
            NextAttemptAt = now,
        }, ct);
        signal.Notify();
        return Results.Json(new { opened = item.Value.Key });
    }

    /// <summary>Where a person opens the playground: each address the app listens on, a wildcard host shown as localhost.</summary>
    internal static IReadOnlyList<string> ReadyUrls(IEnumerable<string> listening) =>
        [.. listening.Select(u => WildcardHost().Replace(u, "${scheme}localhost").TrimEnd('/') + "/playground").Distinct(StringComparer.OrdinalIgnoreCase)];

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<scheme>https?://)(\*|\+|0\.0\.0\.0|\[::\])(?=[:/]|$)")]
    private static partial System.Text.RegularExpressions.Regex WildcardHost();

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Playground ready: open {Url}")]
    private static partial void LogReady(ILogger logger, string url);

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "The playground is enabled in the {Environment} environment: anyone on this machine can act as any sample person. Set Playground:Enabled=false unless this is intended.")]
    private static partial void LogEnabledOutsideDevelopment(ILogger logger, string environment);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Refused a playground request from {Remote}: the playground answers loopback, same-origin requests only")]
    private static partial void LogRefused(ILogger logger, string remote);
}
