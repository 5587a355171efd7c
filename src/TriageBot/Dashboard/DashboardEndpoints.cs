using System.Text;
using Microsoft.Extensions.FileProviders;
using TriageBot.Core.Backlogs;
using TriageBot.Core.DataTransfer;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Dashboard;

/// <summary>The read-only backlog dashboard: <c>/d/{token}</c>, its item pages and its CSV export (SPEC §9, §11).</summary>
public static class DashboardEndpoints
{
    /// <summary>
    /// The token is in the URL, so it must not leak through the Referer header or caches; pages load nothing but their
    /// own stylesheet and run no script. Inline SVG is markup, not a script, so the chart needs no exception. The one
    /// form (the search box, a GET to this same site) is why forms may go to 'self' and nowhere else.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Longer than any token the bot issues; anything longer is not looked up at all.</summary>
    private const int MaxTokenLength = 128;

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/d/{token}");
        group.AddEndpointFilter(async (context, next) =>
        {
            SetSecurityHeaders(context.HttpContext.Response);
            return await next(context);
        });

        group.MapGet("", async (string token, ITriageStore store, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            var backlog = await FindAsync(store, token, ct);
            if (backlog is null)
            {
                return Results.NotFound();
            }

            var snapshot = await DashboardSnapshot.LoadAsync(store, backlog, time.GetUtcNow(), ct);
            return Results.Content(BacklogPage.Render(snapshot, BasePath(token)), "text/html; charset=utf-8");
        });

        group.MapGet("/items/{number:int}", async (string token, int number, ITriageStore store, TimeProvider time, CancellationToken ct) =>
        {
            var backlog = await FindAsync(store, token, ct);
            var item = backlog is null || number < 1 ? null : await store.Items.GetAsync(backlog.Id, number, ct);
            if (backlog is null || item is null)
            {
                return Results.NotFound();
            }

            var history = new List<HistoryEntry>();
            await foreach (var e in store.History.ForItemAsync(backlog.Id, number, ct))
            {
                history.Add(e);
            }

            var position = await DashboardSearch.PositionAsync(store, item.Value, ct);
            return Results.Content(ItemPage.Render(backlog, item.Value, history, position, time.GetUtcNow(), BasePath(token)), "text/html; charset=utf-8");
        });

        // "Why not mine?": a key goes straight to its item's page; words list every item, open or closed, that has them.
        group.MapGet("/search", async (string token, string? q, ITriageStore store, TimeProvider time, CancellationToken ct) =>
        {
            var backlog = await FindAsync(store, token, ct);
            if (backlog is null)
            {
                return Results.NotFound();
            }

            var query = q ?? "";
            if (query.Length > SearchLimits.MaxQueryLength)
            {
                query = query[..SearchLimits.MaxQueryLength];
            }

            if (DashboardSearch.KeyNumber(query) is { } number && await store.Items.GetAsync(backlog.Id, number, ct) is not null)
            {
                return Results.Redirect(BasePath(token) + "/items/" + number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var result = await DashboardSearch.FindAsync(store, backlog.Id, query, ct);
            return Results.Content(SearchPage.Render(backlog, result, time.GetUtcNow(), BasePath(token)), "text/html; charset=utf-8");
        });

        group.MapGet("/export.csv", async (string token, ITriageStore store, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            var backlog = await FindAsync(store, token, ct);
            if (backlog is null)
            {
                return Results.NotFound();
            }

            var name = $"{backlog.Id}-{time.GetUtcNow():yyyyMMdd}.csv";
            // The one item CSV (the CLI's export too): every column, the one formula guard; streamed item by item.
            return Results.Stream(async stream =>
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024, leaveOpen: true);
                await ItemCsv.WriteAsync(writer, store.Items.QueryAsync(new ItemQuery(backlog.Id), http.RequestAborted), http.RequestAborted);
            }, "text/csv; charset=utf-8", name);
        });

        app.MapGet(PageFormat.StylesheetPath, (IWebHostEnvironment env) => Asset(env.WebRootFileProvider, "dashboard/dashboard.css", "text/css; charset=utf-8"));
        return app;
    }

    internal static void SetSecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
    }

    /// <summary>A file from wwwroot, or a plain 404 when it is missing.</summary>
    internal static IResult Asset(IFileProvider files, string path, string contentType)
    {
        var file = files.GetFileInfo(path);
        return file.Exists && !file.IsDirectory
            ? Results.Stream(file.CreateReadStream(), contentType)
            : Results.NotFound();
    }

    private static async Task<Backlog?> FindAsync(ITriageStore store, string token, CancellationToken ct) =>
        string.IsNullOrEmpty(token) || token.Length > MaxTokenLength ? null : await store.Backlogs.FindByDashboardTokenAsync(token, ct);

    private static string BasePath(string token) => "/d/" + Uri.EscapeDataString(token);
}
