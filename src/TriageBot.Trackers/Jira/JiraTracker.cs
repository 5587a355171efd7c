using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Sync;

namespace TriageBot.Trackers.Jira;

/// <summary>
/// Jira Cloud through its REST API v3 (a typed <see cref="HttpClient"/>, basic auth with an account's email and API token):
/// projects, issues (descriptions and comments in Atlassian Document Format), transitions, assignees and JQL search
/// (<c>/rest/api/3/search/jql</c>).
/// </summary>
internal sealed partial class JiraTracker : ITrackerClient
{
    private readonly HttpClient http;
    private readonly JiraOptions options;
    private readonly TimeProvider time;

    public JiraTracker(HttpClient http, IOptions<TrackerOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.time = time;
        this.options = options.Value.Jira;
        if (IsConfigured)
        {
            http.BaseAddress = new Uri(this.options.SiteUrl!.TrimEnd('/') + "/");
            http.Timeout = options.Value.RequestTimeout;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{this.options.Email}:{this.options.ApiToken}")));
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }
    }

    public TrackerKind Kind => TrackerKind.Jira;

    public bool IsConfigured => TrackerOptions.IsSet(options.SiteUrl) && TrackerOptions.IsSet(options.Email) && TrackerOptions.IsSet(options.ApiToken);

    public Task CheckAsync(TrackerConnection connection, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"rest/api/3/project/{Uri.EscapeDataString(connection.Target)}", null, $"reading project {connection.Target}", ct);

    public async Task<TrackerIssue?> GetIssueAsync(TrackerConnection connection, string reference, CancellationToken ct)
    {
        var m = IssueKey().Match(reference.Trim());
        if (!m.Success)
        {
            return null;
        }

        var key = m.Groups["key"].Value.ToUpperInvariant();
        if (!key.StartsWith(connection.Target + "-", StringComparison.Ordinal))
        {
            throw new TrackerException(TrackerFailure.Refused, $"{key} is not in {connection.Target}, the connected project.");
        }

        try
        {
            var issue = await SendAsync(HttpMethod.Get, $"rest/api/3/issue/{key}?fields={Fields}", null, $"reading {key}", ct).ConfigureAwait(false);
            return ToIssue(issue!.AsObject());
        }
        catch (TrackerException e) when (e.Failure == TrackerFailure.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<TrackerIssue>> SearchAsync(TrackerConnection connection, string query, int max, CancellationToken ct)
    {
        var found = new List<TrackerIssue>();
        await foreach (var page in Pages(connection, query, null, ct).ConfigureAwait(false))
        {
            found.AddRange(page.Issues);
            if (found.Count >= max)
            {
                break;
            }
        }

        return [.. found.Take(max)];
    }

    /// <summary>Pages of 100 (<c>nextPageToken</c>), with the approximate count of matches (<c>search/approximate-count</c>) on the first.</summary>
    public async IAsyncEnumerable<TrackerSearchPage> SearchPagesAsync(TrackerConnection connection, string query, [EnumeratorCancellation] CancellationToken ct)
    {
        int? total = null;
        try
        {
            var count = await SendAsync(HttpMethod.Post, "rest/api/3/search/approximate-count", new JsonObject { ["jql"] = query }, "counting issues", ct).ConfigureAwait(false);
            total = count?["count"]?.GetValue<int>();
        }
        catch (TrackerException)
        {
            // Progress then says how many were imported without "of N".
        }

        await foreach (var page in Pages(connection, query, total, ct).ConfigureAwait(false))
        {
            yield return page;
        }
    }

    private async IAsyncEnumerable<TrackerSearchPage> Pages(TrackerConnection connection, string query, int? total, [EnumeratorCancellation] CancellationToken ct)
    {
        string? next = null;
        do
        {
            var body = new JsonObject { ["jql"] = query, ["maxResults"] = 100, ["fields"] = new JsonArray(Fields.Split(',').Select(f => (JsonNode)f).ToArray()) };
            if (next is not null)
            {
                body["nextPageToken"] = next;
            }

            var page = (await SendAsync(HttpMethod.Post, "rest/api/3/search/jql", body, "searching issues", ct).ConfigureAwait(false))!.AsObject();
            // The query is the person's own JQL: only the connected project's issues are taken from it.
            yield return new TrackerSearchPage([.. page["issues"]!.AsArray().Select(i => ToIssue(i!.AsObject())).Where(i => i.Key.StartsWith(connection.Target + "-", StringComparison.Ordinal))], total);
            next = page["nextPageToken"]?.GetValue<string>();
        }
        while (next is not null);
    }

    public async Task<TrackerIssue?> FindByItemKeyAsync(TrackerConnection connection, string itemKey, CancellationToken ct)
    {
        var marker = $"[{itemKey}]";
        var found = await SearchAsync(connection, $"project = \"{connection.Target}\" AND summary ~ \"\\\"{marker}\\\"\"", 50, ct).ConfigureAwait(false);
        return found.FirstOrDefault(i => i.Title.StartsWith(marker, StringComparison.Ordinal));
    }

    public async Task<TrackerIssue> CreateAsync(TrackerConnection connection, IssueDraft draft, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["fields"] = new JsonObject
            {
                ["project"] = new JsonObject { ["key"] = connection.Target },
                ["summary"] = draft.Title.Length <= 255 ? draft.Title : draft.Title[..254] + "…",
                ["description"] = Adf.Document(draft.Body),
                ["issuetype"] = new JsonObject { ["name"] = options.IssueType },
                ["labels"] = Labels(draft),
            },
        };
        var created = (await SendAsync(HttpMethod.Post, "rest/api/3/issue", body, "creating an issue", ct).ConfigureAwait(false))!.AsObject();
        var key = created["key"]!.GetValue<string>();
        var issue = new TrackerIssue
        {
            Kind = TrackerKind.Jira,
            Id = created["id"]!.GetValue<string>(),
            Key = key,
            Url = $"{options.SiteUrl!.TrimEnd('/')}/browse/{key}",
            Title = draft.Title,
        };
        await StateAndAssigneeAsync(key, draft, ct).ConfigureAwait(false);
        return issue;
    }

    public async Task UpdateAsync(TrackerConnection connection, TrackerLink link, IssueDraft draft, CancellationToken ct)
    {
        var key = link.IssueKey ?? throw new TrackerException(TrackerFailure.NotFound, "The link names no Jira issue key.");
        await SendAsync(HttpMethod.Put, $"rest/api/3/issue/{key}", new JsonObject { ["fields"] = new JsonObject { ["labels"] = Labels(draft) } }, $"updating {key}", ct).ConfigureAwait(false);
        await StateAndAssigneeAsync(key, draft, ct).ConfigureAwait(false);
    }

    /// <summary>Jira's document format hides nothing: the marker ends the comment as a small signature line.</summary>
    public Task CommentAsync(TrackerConnection connection, TrackerLink link, string text, string marker, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"rest/api/3/issue/{link.IssueKey}/comment", new JsonObject { ["body"] = Adf.Document($"{text}\n{Signature(marker)}") }, $"commenting on {link.IssueKey}", ct);

    public async Task<bool> HasCommentAsync(TrackerConnection connection, TrackerLink link, string marker, DateTimeOffset since, CancellationToken ct)
    {
        var page = await SendAsync(HttpMethod.Get, $"rest/api/3/issue/{link.IssueKey}/comment?orderBy=-created&maxResults=50", null, $"reading {link.IssueKey}'s comments", ct).ConfigureAwait(false);
        return page?["comments"] is JsonArray comments && comments.Any(c => Adf.Text(c?["body"]).Contains(Signature(marker), StringComparison.Ordinal));
    }

    private static string Signature(string marker) => $"(TriageBot {marker})";

    /// <summary>Moves the issue to a done or not-done status when it is on the other side, and sets the assignee.</summary>
    private async Task StateAndAssigneeAsync(string key, IssueDraft draft, CancellationToken ct)
    {
        var issue = (await SendAsync(HttpMethod.Get, $"rest/api/3/issue/{key}?fields=status", null, $"reading {key}", ct).ConfigureAwait(false))!.AsObject();
        var done = Category(issue) == "done";
        if (done == draft.Open)
        {
            var transitions = (await SendAsync(HttpMethod.Get, $"rest/api/3/issue/{key}/transitions", null, $"reading {key}'s transitions", ct).ConfigureAwait(false))!["transitions"]!.AsArray();
            var wanted = transitions.Select(t => t!.AsObject()).FirstOrDefault(t => (t["to"]?["statusCategory"]?["key"]?.GetValue<string>() == "done") != draft.Open);
            if (wanted is not null)
            {
                await SendAsync(HttpMethod.Post, $"rest/api/3/issue/{key}/transitions", new JsonObject { ["transition"] = new JsonObject { ["id"] = wanted["id"]!.GetValue<string>() } },
                    $"moving {key}", ct).ConfigureAwait(false);
            }
        }

        if (draft.Assignee is { } accountId)
        {
            await SendAsync(HttpMethod.Put, $"rest/api/3/issue/{key}/assignee", new JsonObject { ["accountId"] = accountId }, $"assigning {key}", ct).ConfigureAwait(false);
        }
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, string what, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException)
        {
            throw new TrackerException(TrackerFailure.Transient, $"Jira did not answer {what} ({e.GetType().Name}).", null, e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? null : JsonNode.Parse(text);
            }

            var retryAfter = response.Headers.RetryAfter is { } ra
                ? ra.Delta ?? (ra.Date is { } at ? at - time.GetUtcNow() : null)
                : null;
            throw status switch
            {
                429 => new TrackerException(TrackerFailure.Transient, $"Jira rate limit during {what}.", retryAfter ?? TimeSpan.FromSeconds(30)),
                >= 500 => new TrackerException(TrackerFailure.Transient, $"Jira failed {what} ({status}).", retryAfter),
                401 or 403 => new TrackerException(TrackerFailure.Unauthorized, $"Jira refused the credentials ({status}) during {what}: check Trackers:Jira:Email and ApiToken, and the account's project permissions."),
                404 or 410 => new TrackerException(TrackerFailure.NotFound, $"Jira answered {status} to {what}: the project or issue is gone or out of the account's reach."),
                _ => new TrackerException(TrackerFailure.Refused, $"Jira refused {what} ({status}): {Cut(text)}"),
            };
        }
    }

    private const string Fields = "summary,description,status,labels,assignee";

    private static JsonArray Labels(IssueDraft draft) => new([.. draft.Labels.Select(l => (JsonNode)l.Replace(": ", "-", StringComparison.Ordinal).Replace(' ', '-'))]);

    private static string? Category(JsonObject issue) => issue["fields"]?["status"]?["statusCategory"]?["key"]?.GetValue<string>();

    private TrackerIssue ToIssue(JsonObject issue)
    {
        var fields = issue["fields"]?.AsObject();
        var key = issue["key"]!.GetValue<string>();
        return new TrackerIssue
        {
            Kind = TrackerKind.Jira,
            Id = issue["id"]!.GetValue<string>(),
            Key = key,
            Url = $"{options.SiteUrl!.TrimEnd('/')}/browse/{key}",
            Title = fields?["summary"]?.GetValue<string>() ?? key,
            Body = Adf.Text(fields?["description"]),
            Open = Category(issue) != "done",
            Labels = fields?["labels"] is JsonArray labels ? [.. labels.Select(l => l!.GetValue<string>())] : [],
            Assignee = fields?["assignee"]?["accountId"]?.GetValue<string>(),
        };
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "…";

    // PAY-12, or https://site.atlassian.net/browse/PAY-12
    [GeneratedRegex(@"^(?:https?://[^/\s]+/browse/)?(?<key>[A-Za-z][A-Za-z0-9_]{0,19}-\d{1,9})/?$")]
    private static partial Regex IssueKey();
}

/// <summary>Atlassian Document Format: plain text in (a paragraph per line), plain text out.</summary>
internal static class Adf
{
    public static JsonObject Document(string text) => new()
    {
        ["type"] = "doc",
        ["version"] = 1,
        ["content"] = new JsonArray([.. text.ReplaceLineEndings("\n").Split('\n').Where(l => l.Trim().Length > 0).Select(l => (JsonNode)new JsonObject
        {
            ["type"] = "paragraph",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = l.Replace("**", "", StringComparison.Ordinal) }),
        })]),
    };

    public static string Text(JsonNode? node)
    {
        var b = new StringBuilder();
        Walk(node, b);
        return b.ToString().Trim();
    }

    private static void Walk(JsonNode? node, StringBuilder b)
    {
        switch (node)
        {
            case JsonObject o when o["type"]?.GetValue<string>() == "text":
                b.Append(o["text"]?.GetValue<string>());
                break;
            case JsonObject o:
                Walk(o["content"], b);
                if (o["type"]?.GetValue<string>() is "paragraph" or "heading")
                {
                    b.Append('\n');
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Walk(child, b);
                }

                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                b.Append(s);
                break;
        }
    }
}
