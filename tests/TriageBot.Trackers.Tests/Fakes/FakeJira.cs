using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TriageBot.Trackers.Tests.Fakes;

/// <summary>
/// A Jira Cloud REST API v3 on loopback (Kestrel): projects, issues with a To Do / Done workflow, labels, assignees, comments
/// and JQL search (the few clauses TriageBot writes). Records every call and injects faults like <see cref="FakeGitHub"/>.
/// </summary>
public sealed partial class FakeJira : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Faults faults = new();
    private readonly object gate = new();
    private int next = 10000;

    public FakeJira(params string[] projects)
    {
        Projects = [.. projects];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.Run(HandleAsync);
        app.StartAsync().GetAwaiter().GetResult();
        SiteUrl = app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
    }

    public string SiteUrl { get; }

    public HashSet<string> Projects { get; }

    public ConcurrentQueue<(string Method, string Path, string Body, string? Authorization)> Calls { get; } = new();

    /// <summary>Issues by key.</summary>
    public ConcurrentDictionary<string, JsonObject> Issues { get; } = new();

    public ConcurrentQueue<(string Key, string Body)> Comments { get; } = new();

    public void Inject(string method, string pathPart, Fault fault, int status = 500, Dictionary<string, string>? headers = null) =>
        faults.Inject(method, pathPart, fault, status, headers);

    public IReadOnlyList<(string Method, string Path, string Body, string? Authorization)> CallsTo(string method, string pathPart) =>
        [.. Calls.Where(c => c.Method == method && c.Path.Contains(pathPart, StringComparison.Ordinal))];

    public JsonObject AddIssue(string project, string summary, params string[] labels)
    {
        lock (gate)
        {
            var id = ++next;
            var key = $"{project}-{Issues.Count(i => i.Key.StartsWith(project + "-", StringComparison.Ordinal)) + 1}";
            var issue = new JsonObject
            {
                ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["key"] = key,
                ["fields"] = new JsonObject
                {
                    ["summary"] = summary,
                    ["description"] = null,
                    ["status"] = Status(done: false),
                    ["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]),
                    ["assignee"] = null,
                },
            };
            Issues[key] = issue;
            return issue;
        }
    }

    public static JsonObject Status(bool done) => new()
    {
        ["name"] = done ? "Done" : "To Do",
        ["statusCategory"] = new JsonObject { ["key"] = done ? "done" : "new" },
    };

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        Calls.Enqueue((http.Request.Method, path + http.Request.QueryString, body, http.Request.Headers.Authorization.ToString()));
        var (answered, loseAnswer) = await faults.ApplyAsync(http, path, _ => null);
        if (answered)
        {
            return;
        }

        var (status, answer) = Route(http.Request.Method, path, body);
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

    private (int, JsonNode?) Route(string method, string path, string body)
    {
        var parts = path.Trim('/').Split('/');
        if (parts is not ["rest", "api", "3", ..])
        {
            return (404, null);
        }

        parts = parts[3..];
        var json = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!.AsObject();
        lock (gate)
        {
            switch (method, parts)
            {
                case ("GET", ["project", var key]):
                    return Projects.Contains(key) ? (200, new JsonObject { ["id"] = "1", ["key"] = key }) : (404, null);
                case ("POST", ["search", "jql"]):
                    return (200, Search(json["jql"]!.GetValue<string>(), json["nextPageToken"]?.GetValue<string>(), json["maxResults"]?.GetValue<int>() ?? 50));
                case ("POST", ["search", "approximate-count"]):
                    return (200, new JsonObject { ["count"] = Matching(json["jql"]!.GetValue<string>()).Count() });
                case ("POST", ["issue"]):
                    var project = json["fields"]!["project"]!["key"]!.GetValue<string>();
                    if (!Projects.Contains(project))
                    {
                        return (400, new JsonObject { ["errors"] = new JsonObject { ["project"] = "valid project is required" } });
                    }

                    var created = AddIssue(project, json["fields"]!["summary"]!.GetValue<string>());
                    created["fields"]!["description"] = json["fields"]!["description"]?.DeepClone();
                    created["fields"]!["labels"] = json["fields"]!["labels"]?.DeepClone();
                    return (201, new JsonObject { ["id"] = created["id"]!.DeepClone(), ["key"] = created["key"]!.DeepClone(), ["self"] = $"{SiteUrl}/rest/api/3/issue/{created["id"]}" });
            }

            if (parts.Length < 2 || parts[0] != "issue" || !Issues.TryGetValue(parts[1], out var issue))
            {
                return (404, new JsonObject { ["errorMessages"] = new JsonArray("Issue does not exist or you do not have permission to see it.") });
            }

            switch (method, parts.Length > 2 ? parts[2] : "")
            {
                case ("GET", ""):
                    return (200, issue.DeepClone());
                case ("PUT", ""):
                    if (json["fields"]?["labels"] is { } labels)
                    {
                        issue["fields"]!["labels"] = labels.DeepClone();
                    }

                    return (204, null);
                case ("GET", "transitions"):
                    return (200, new JsonObject
                    {
                        ["transitions"] = new JsonArray(
                            new JsonObject { ["id"] = "11", ["name"] = "To Do", ["to"] = new JsonObject { ["statusCategory"] = new JsonObject { ["key"] = "new" } } },
                            new JsonObject { ["id"] = "31", ["name"] = "Done", ["to"] = new JsonObject { ["statusCategory"] = new JsonObject { ["key"] = "done" } } }),
                    });
                case ("POST", "transitions"):
                    issue["fields"]!["status"] = Status(json["transition"]!["id"]!.GetValue<string>() == "31");
                    return (204, null);
                case ("PUT", "assignee"):
                    issue["fields"]!["assignee"] = new JsonObject { ["accountId"] = json["accountId"]!.DeepClone() };
                    return (204, null);
                case ("GET", "comment"):
                    // orderBy=-created: newest first.
                    return (200, new JsonObject
                    {
                        ["comments"] = new JsonArray([.. Comments.Select((c, i) => (c, i)).Where(x => x.c.Key == parts[1]).Reverse()
                            .Select(x => (JsonNode)new JsonObject { ["id"] = (x.i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), ["body"] = Document(x.c.Body) })]),
                    });
                case ("POST", "comment"):
                    Comments.Enqueue((parts[1], Text(json["body"])));
                    return (201, new JsonObject { ["id"] = Comments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                default:
                    return (404, null);
            }
        }
    }

    /// <summary>Jira's enhanced search: pages of maxResults (at most 100 here), the next one named by an opaque <c>nextPageToken</c>.</summary>
    private JsonObject Search(string jql, string? token, int maxResults)
    {
        var start = token is null ? 0 : int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), System.Globalization.CultureInfo.InvariantCulture);
        var size = Math.Clamp(maxResults, 1, 100);
        var found = Matching(jql).ToArray();
        var page = new JsonObject { ["issues"] = new JsonArray([.. found.Skip(start).Take(size).Select(i => (JsonNode)i.DeepClone())]) };
        if (start + size < found.Length)
        {
            page["nextPageToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((start + size).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return page;
    }

    private IEnumerable<JsonObject> Matching(string jql)
    {
        var project = ProjectClause().Match(jql) is { Success: true } p ? p.Groups[1].Value : null;
        var summary = SummaryClause().Match(jql) is { Success: true } s ? s.Groups[1].Value.Replace("\\\"", "", StringComparison.Ordinal) : null;
        return Issues.Values
            .Where(i => project is null || i["key"]!.GetValue<string>().StartsWith(project + "-", StringComparison.Ordinal))
            .Where(i => summary is null || i["fields"]!["summary"]!.GetValue<string>().Contains(summary, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => long.Parse(i["id"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static JsonObject Document(string text) => new()
    {
        ["type"] = "doc",
        ["version"] = 1,
        ["content"] = new JsonArray([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonNode)new JsonObject
        {
            ["type"] = "paragraph",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = l }),
        })]),
    };

    /// <summary>The text of an Atlassian Document Format body, a line per paragraph.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonObject o when o["type"]?.GetValue<string>() == "text" => o["text"]!.GetValue<string>(),
        JsonObject o => Text(o["content"]) + (o["type"]?.GetValue<string>() == "paragraph" ? "\n" : ""),
        JsonArray a => string.Concat(a.Select(Text)),
        _ => "",
    };

    [GeneratedRegex(@"project\s*=\s*""?([A-Z][A-Z0-9_]*)""?")]
    private static partial Regex ProjectClause();

    [GeneratedRegex(@"summary\s*~\s*""(.*)""")]
    private static partial Regex SummaryClause();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
