using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Octokit;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Sync;

namespace TriageBot.Trackers.GitHub;

/// <summary>GitHub Issues through Octokit, as a GitHub App installation or with a fine-grained token from settings.</summary>
internal sealed partial class GitHubTracker : ITrackerClient, IDisposable
{
    private readonly GitHubClient? tokenClient;
    private readonly GitHubAppAuth? app;
    private readonly TimeProvider time;

    public GitHubTracker(IOptions<TrackerOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.time = time;
        var o = options.Value;
        if (TrackerOptions.IsSet(o.GitHub.AppId) && TrackerOptions.IsSet(o.GitHub.PrivateKey))
        {
            app = new GitHubAppAuth(o.GitHub, o.RequestTimeout, time);
        }
        else if (TrackerOptions.IsSet(o.GitHub.Token))
        {
            tokenClient = new GitHubClient(new ProductHeaderValue("TriageBot"), new Uri(o.GitHub.ApiBaseUrl))
            {
                Credentials = new Credentials(o.GitHub.Token),
            };
            tokenClient.SetRequestTimeout(o.RequestTimeout);
        }
    }

    public TrackerKind Kind => TrackerKind.GitHub;

    public bool IsConfigured => tokenClient is not null || app is not null;

    public void Dispose() => app?.Dispose();

    public async Task CheckAsync(TrackerConnection connection, CancellationToken ct)
    {
        var (owner, repo) = Split(connection);
        var repository = await Call(connection, $"reading {connection.Target}", c => c.Repository.Get(owner, repo), ct);
        if (repository.HasIssues == false)
        {
            throw new TrackerException(TrackerFailure.Refused, $"{connection.Target} has issues turned off.");
        }
    }

    public async Task<TrackerIssue?> GetIssueAsync(TrackerConnection connection, string reference, CancellationToken ct)
    {
        var (owner, repo) = Split(connection);
        var m = IssueReference().Match(reference.Trim());
        if (!m.Success)
        {
            return null;
        }

        if (m.Groups["repo"].Success && !$"{m.Groups["owner"].Value}/{m.Groups["repo"].Value}".Equals(connection.Target, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrackerException(TrackerFailure.Refused, $"{reference} is not in {connection.Target}, the connected repository.");
        }

        var number = long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        try
        {
            var issue = await Call(connection, $"reading issue #{number}", c => c.Issue.Get(owner, repo, number), ct);
            return ToIssue(connection, issue);
        }
        catch (TrackerException e) when (e.Failure == TrackerFailure.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<TrackerIssue>> SearchAsync(TrackerConnection connection, string query, int max, CancellationToken ct)
    {
        var found = new List<TrackerIssue>();
        await foreach (var page in SearchPagesAsync(connection, query, ct).ConfigureAwait(false))
        {
            found.AddRange(page.Issues);
            if (found.Count >= max)
            {
                break;
            }
        }

        return [.. found.Take(max)];
    }

    /// <summary>GitHub's search pages of 100, up to the 1,000 results its search reaches.</summary>
    public async IAsyncEnumerable<TrackerSearchPage> SearchPagesAsync(TrackerConnection connection, string query, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; page <= SearchReach / 100; page++)
        {
            var request = new SearchIssuesRequest($"{query} repo:{connection.Target} is:issue") { Page = page, PerPage = 100 };
            var result = await Call(connection, "searching issues", c => c.Search.SearchIssues(request), ct).ConfigureAwait(false);
            var limit = result.TotalCount > SearchReach
                ? $"GitHub's search reaches only the first {SearchReach:N0} of its {result.TotalCount:N0} matches: for the rest, narrow the search (for example add `created:<2025-01-01`)."
                : null;
            yield return new TrackerSearchPage([.. result.Items.Where(i => i.PullRequest is null).Select(i => ToIssue(connection, i))], result.TotalCount, limit);
            if (result.Items.Count < 100)
            {
                yield break;
            }
        }
    }

    /// <summary>The most results GitHub's search API returns for one search.</summary>
    internal const int SearchReach = 1000;

    public async Task<TrackerIssue?> FindByItemKeyAsync(TrackerConnection connection, string itemKey, CancellationToken ct)
    {
        var marker = Marker(itemKey);
        var request = new SearchIssuesRequest($"\"{marker}\" in:title repo:{connection.Target} is:issue");
        var result = await Call(connection, $"searching for {marker}", c => c.Search.SearchIssues(request), ct);
        // Search matches words; the marker must open the title.
        return result.Items.Where(i => i.Title.StartsWith(marker, StringComparison.Ordinal)).OrderBy(i => i.Number).Select(i => ToIssue(connection, i)).FirstOrDefault();
    }

    public async Task<TrackerIssue> CreateAsync(TrackerConnection connection, IssueDraft draft, CancellationToken ct)
    {
        var (owner, repo) = Split(connection);
        var create = new NewIssue(draft.Title) { Body = draft.Body };
        foreach (var label in draft.Labels)
        {
            create.Labels.Add(label);
        }

        if (draft.Assignee is { } assignee)
        {
            create.Assignees.Add(assignee);
        }

        var issue = await Call(connection, "creating an issue", c => c.Issue.Create(owner, repo, create), ct);
        if (!draft.Open)
        {
            await Call(connection, "closing the new issue", c => c.Issue.Update(owner, repo, issue.Number, StateUpdate(draft, new IssueUpdate())), ct);
        }

        return ToIssue(connection, issue);
    }

    public async Task UpdateAsync(TrackerConnection connection, TrackerLink link, IssueDraft draft, CancellationToken ct)
    {
        var (owner, repo) = Split(connection);
        var number = Number(link);
        var update = StateUpdate(draft, new IssueUpdate());
        update.ClearLabels();
        foreach (var label in draft.Labels)
        {
            update.AddLabel(label);
        }

        if (draft.Assignee is { } assignee)
        {
            update.ClearAssignees();
            update.AddAssignee(assignee);
        }

        await Call(connection, $"updating issue #{number}", c => c.Issue.Update(owner, repo, number, update), ct);
    }

    public async Task CommentAsync(TrackerConnection connection, TrackerLink link, string text, string marker, CancellationToken ct)
    {
        var (owner, repo) = Split(connection);
        var number = Number(link);
        await Call(connection, $"commenting on issue #{number}", c => c.Issue.Comment.Create(owner, repo, number, $"{text}\n\n{HiddenMarker(marker)}"), ct);
    }

    public async Task<bool> HasCommentAsync(TrackerConnection connection, TrackerLink link, string marker, DateTimeOffset since, CancellationToken ct)
    {
        var (owner, repo) = Split(connection);
        var number = Number(link);
        var request = new IssueCommentRequest { Since = since };
        var recent = await Call(connection, $"reading issue #{number}'s comments", c => c.Issue.Comment.GetAllForIssue(owner, repo, number, request, new ApiOptions { PageSize = 100, PageCount = 1 }), ct);
        return recent.Any(c => c.Body?.Contains(HiddenMarker(marker), StringComparison.Ordinal) == true);
    }

    /// <summary>An HTML comment: GitHub's Markdown does not show it.</summary>
    private static string HiddenMarker(string marker) => $"<!-- triagebot:{marker} -->";

    /// <summary>The marker that opens every issue title TriageBot creates: <c>[TRI-42]</c>.</summary>
    public static string Marker(string itemKey) => $"[{itemKey}]";

    private static IssueUpdate StateUpdate(IssueDraft draft, IssueUpdate update)
    {
        update.State = draft.Open ? ItemState.Open : ItemState.Closed;
        update.StateReason = draft.Open ? null : draft.Completed ? ItemStateReason.Completed : ItemStateReason.NotPlanned;
        return update;
    }

    /// <summary>One call with the token, or as the repository's app installation (a token GitHub refuses early is exchanged again once).</summary>
    private async Task<T> Call<T>(TrackerConnection connection, string what, Func<GitHubClient, Task<T>> call, CancellationToken ct)
    {
        if (tokenClient is not null)
        {
            return await GitHubErrors.CallAsync(what, () => call(tokenClient), time, ct).ConfigureAwait(false);
        }

        var installation = await GitHubErrors.CallAsync($"finding the GitHub App's installation on {connection.Target}", () => app!.InstallationAsync(connection.Target), time, ct).ConfigureAwait(false);
        try
        {
            return await GitHubErrors.CallAsync(what, () => call(installation.Client), time, ct).ConfigureAwait(false);
        }
        catch (TrackerException e) when (e.Failure == TrackerFailure.Unauthorized && e.InnerException is AuthorizationException)
        {
            installation.Tokens.Forget();
            return await GitHubErrors.CallAsync(what, () => call(installation.Client), time, ct).ConfigureAwait(false);
        }
    }

    private static long Number(TrackerLink link) =>
        link.IssueKey is { } key && key.LastIndexOf('#') is var at and >= 0 && long.TryParse(key[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new TrackerException(TrackerFailure.NotFound, $"The link names no GitHub issue number ({link.IssueKey}).");

    private static (string Owner, string Repo) Split(TrackerConnection connection)
    {
        var parts = connection.Target.Split('/');
        return (parts[0], parts[1]);
    }

    private static TrackerIssue ToIssue(TrackerConnection connection, Issue issue) => new()
    {
        Kind = TrackerKind.GitHub,
        Id = issue.Id.ToString(CultureInfo.InvariantCulture),
        Key = $"{connection.Target}#{issue.Number}",
        Url = issue.HtmlUrl,
        Title = issue.Title ?? "",
        Body = issue.Body ?? "",
        Open = issue.State.Value == ItemState.Open,
        Labels = [.. issue.Labels.Select(l => l.Name)],
        Assignee = issue.Assignee?.Login,
    };

    // https://github.com/owner/repo/issues/12, owner/repo#12, #12 or 12.
    [GeneratedRegex(@"^(?:(?:https?://[^/\s]+/)(?<owner>[\w.-]+)/(?<repo>[\w.-]+)/issues/|(?<owner>[\w.-]+)/(?<repo>[\w.-]+)#|#)?(?<n>\d{1,9})/?$")]
    private static partial Regex IssueReference();
}
