using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TriageBot.Trackers.Tests.Fakes;

/// <summary>
/// A GitHub REST API on loopback (real HTTP through Kestrel, under <c>/api/v3/</c> as Octokit addresses a GitHub Enterprise
/// host): repositories, issues, comments and issue search, in memory. Records every call and injects faults.
/// </summary>
public sealed class FakeGitHub : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Faults faults = new();
    private readonly object gate = new();
    private int nextNumber;

    public FakeGitHub(params string[] repositories)
    {
        Repositories = [.. repositories];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.Run(HandleAsync);
        app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/";
    }

    /// <summary><c>http://127.0.0.1:port/</c> (Octokit adds <c>api/v3/</c>).</summary>
    public string BaseUrl { get; }

    public HashSet<string> Repositories { get; }

    /// <summary>When set, GitHub App authentication is required: app JWTs for the app's endpoints, live installation tokens for the rest.</summary>
    public FakeGitHubApp? App { get; set; }

    public ConcurrentQueue<(string Method, string Path, string Body)> Calls { get; } = new();

    /// <summary>Issues by repository and number.</summary>
    public ConcurrentDictionary<(string Repo, long Number), JsonObject> Issues { get; } = new();

    public ConcurrentQueue<(string Repo, long Number, string Body, DateTimeOffset At)> Comments { get; } = new();

    /// <summary>The next request with this method whose path contains <paramref name="pathPart"/> gets <paramref name="fault"/>.</summary>
    public void Inject(string method, string pathPart, Fault fault, int status = 500, Dictionary<string, string>? headers = null) =>
        faults.Inject(method, pathPart, fault, status, headers);

    public IReadOnlyList<(string Method, string Path, string Body)> CallsTo(string method, string pathPart) =>
        [.. Calls.Where(c => c.Method == method && c.Path.Contains(pathPart, StringComparison.Ordinal))];

    /// <summary>An issue that exists before TriageBot looks (for link and import).</summary>
    public JsonObject AddIssue(string repo, string title, string body = "", params string[] labels)
    {
        lock (gate)
        {
            var number = ++nextNumber;
            var issue = Issue(repo, number, title, body, labels, null);
            Issues[(repo, number)] = issue;
            return issue;
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        Calls.Enqueue((http.Request.Method, path + http.Request.QueryString, body));
        if (App is { } appAuth && AppAnswer(appAuth, http.Request, path) is ({ } appStatus, var appBody))
        {
            http.Response.StatusCode = appStatus;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(appBody!.ToJsonString());
            return;
        }

        var (answered, loseAnswer) = await faults.ApplyAsync(http, path, status => new { message = status == 403 ? "You have exceeded a secondary rate limit." : "injected" });
        if (answered)
        {
            return;
        }

        var (status, answer) = Route(http.Request.Method, path, http.Request.Query["q"].ToString(), body, http.Request.Query["since"].ToString(),
            int.TryParse(http.Request.Query["page"], out var page) ? page : 1, int.TryParse(http.Request.Query["per_page"], out var perPage) ? perPage : 30);
        if (loseAnswer)
        {
            http.Abort();
            return;
        }

        http.Response.StatusCode = status;
        if (answer is not null)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(answer.ToJsonString());
        }
    }

    /// <summary>The app's endpoints, or a refused installation token; null to carry on.</summary>
    private static (int?, JsonNode?) AppAnswer(FakeGitHubApp app, HttpRequest request, string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts is not ["api", "v3", ..])
        {
            return (null, null);
        }

        if (app.HandleApp(request, parts[2..]) is { } answer)
        {
            return (answer.Status, answer.Body);
        }

        return app.RefuseToken(request) is { } why ? (401, new JsonObject { ["message"] = why }) : (null, null);
    }

    private (int, JsonNode?) Route(string method, string path, string q, string body, string since, int page, int perPage)
    {
        var parts = path.Trim('/').Split('/');
        if (parts is not ["api", "v3", ..])
        {
            return (404, new JsonObject { ["message"] = "Not Found" });
        }

        parts = parts[2..];
        if (method == "GET" && parts is ["search", "issues"])
        {
            return (page * perPage > 1000 ? 422 : 200, Search(q, page, perPage));
        }

        if (parts.Length < 3 || parts[0] != "repos" || !Repositories.Contains($"{parts[1]}/{parts[2]}"))
        {
            return (404, new JsonObject { ["message"] = "Not Found" });
        }

        var repo = $"{parts[1]}/{parts[2]}";
        var json = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!.AsObject();
        switch (method, parts.Length)
        {
            case ("GET", 3):
                return (200, new JsonObject { ["id"] = 1, ["name"] = parts[2], ["full_name"] = repo, ["has_issues"] = true, ["html_url"] = $"https://github.com/{repo}" });
            case ("POST", 4) when parts[3] == "issues":
                lock (gate)
                {
                    var number = ++nextNumber;
                    var labels = json["labels"]?.AsArray().Select(l => l!.GetValue<string>()).ToArray() ?? [];
                    var assignee = json["assignees"]?.AsArray().FirstOrDefault()?.GetValue<string>();
                    var issue = Issue(repo, number, json["title"]!.GetValue<string>(), json["body"]?.GetValue<string>() ?? "", labels, assignee);
                    Issues[(repo, number)] = issue;
                    return (201, issue.DeepClone());
                }

            case (_, 5) when parts[3] == "issues" && long.TryParse(parts[4], out var n):
                if (!Issues.TryGetValue((repo, n), out var found))
                {
                    return (404, new JsonObject { ["message"] = "Not Found" });
                }

                if (method == "PATCH")
                {
                    lock (gate)
                    {
                        if (json["state"] is { } state)
                        {
                            found["state"] = state.GetValue<string>();
                            found["state_reason"] = json["state_reason"]?.GetValue<string>();
                        }

                        if (json["labels"] is JsonArray labels)
                        {
                            found["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)new JsonObject { ["name"] = l!.GetValue<string>() })]);
                        }

                        if (json["assignees"] is JsonArray assignees)
                        {
                            found["assignee"] = assignees.FirstOrDefault() is { } a ? new JsonObject { ["login"] = a.GetValue<string>() } : null;
                        }
                    }
                }

                return (200, found.DeepClone());
            case ("GET", 6) when parts[3] == "issues" && parts[5] == "comments" && long.TryParse(parts[4], out var ln):
                // Oldest first, as GitHub lists them; "since" keeps those updated at or after it.
                var after = since.Length == 0 ? DateTimeOffset.MinValue : DateTimeOffset.Parse(since, System.Globalization.CultureInfo.InvariantCulture);
                return (200, new JsonArray([.. Comments.Select((c, i) => (c, i)).Where(x => x.c.Repo == repo && x.c.Number == ln && x.c.At >= after)
                    .Select(x => (JsonNode)new JsonObject { ["id"] = x.i + 1, ["body"] = x.c.Body, ["created_at"] = x.c.At.ToString("o"), ["updated_at"] = x.c.At.ToString("o") })]));
            case ("POST", 6) when parts[3] == "issues" && parts[5] == "comments" && long.TryParse(parts[4], out var cn):
                var text = json["body"]!.GetValue<string>();
                Comments.Enqueue((repo, cn, text, DateTimeOffset.UtcNow));
                return (201, new JsonObject { ["id"] = Comments.Count, ["body"] = text, ["html_url"] = $"https://github.com/{repo}/issues/{cn}#comment" });
            default:
                return (404, new JsonObject { ["message"] = "Not Found" });
        }
    }

    /// <summary>GitHub's issue search: pages of <paramref name="perPage"/> (at most 100), the first 1,000 results only, total_count all of them.</summary>
    private JsonObject Search(string q, int page, int perPage)
    {
        // Qualifiers (repo:, is:, in:) are read; the rest is matched against titles (a quoted phrase as a whole).
        var words = q.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var repo = words.FirstOrDefault(w => w.StartsWith("repo:", StringComparison.Ordinal))?[5..];
        var text = string.Join(' ', words.Where(w => !w.Contains(':', StringComparison.Ordinal) || w.StartsWith('"'))).Trim('"');
        var items = Issues.Where(i => repo is null || i.Key.Repo == repo)
            .Where(i => text.Length == 0 || i.Value["title"]!.GetValue<string>().Contains(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.Key.Number).Select(i => i.Value).ToArray();
        perPage = Math.Clamp(perPage, 1, 100);
        var slice = items.Skip((page - 1) * perPage).Take(perPage).Select(i => (JsonNode)i.DeepClone()).ToArray();
        return new JsonObject { ["total_count"] = items.Length, ["incomplete_results"] = false, ["items"] = new JsonArray(slice) };
    }

    private JsonObject Issue(string repo, long number, string title, string body, string[] labels, string? assignee) => new()
    {
        ["id"] = 5_000_000 + number,
        ["number"] = number,
        ["title"] = title,
        ["body"] = body,
        ["state"] = "open",
        ["state_reason"] = null,
        ["html_url"] = $"https://github.com/{repo}/issues/{number}",
        ["url"] = $"{BaseUrl}api/v3/repos/{repo}/issues/{number}",
        ["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)new JsonObject { ["name"] = l })]),
        ["assignee"] = assignee is null ? null : new JsonObject { ["login"] = assignee },
        ["user"] = new JsonObject { ["login"] = "someone" },
        ["created_at"] = "2026-03-01T09:00:00Z",
        ["updated_at"] = "2026-03-01T09:00:00Z",
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    internal static string Json(object value) => JsonSerializer.Serialize(value);
}
