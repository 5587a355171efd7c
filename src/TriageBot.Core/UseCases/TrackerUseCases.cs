using System.Globalization;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// Issue trackers (GitHub Issues, Jira): <c>connect</c>, <c>disconnect</c>, <c>link</c> and <c>import</c>. Pushing items to the
/// tracker and applying its webhooks is the host's sync worker; this class only changes what is connected and linked.
/// </summary>
internal sealed partial class TrackerUseCases(UseCaseContext context, TrackerServices? trackers) : IUseCase
{
    /// <summary>The most issues one <c>import</c> reads.</summary>
    internal const int MaxImport = 500;

    /// <summary>A progress post after every this many imported.</summary>
    internal const int ProgressEvery = 100;

    public void Register(Handlers h)
    {
        h.OnCommand<ConnectCommand>(ConnectAsync);
        h.OnCommand<DisconnectCommand>(DisconnectAsync);
        h.OnCommand<LinkIssueCommand>(LinkIssueAsync);
        h.OnCommand<LinkPersonCommand>(LinkPersonAsync);
        h.OnCommand<ImportIssuesCommand>(ImportAsync);
    }

    private TrackerServices Trackers => trackers
        ?? throw new RuleViolationException("Tracker sync is not set up on this server (docs/trackers.md).");

    private async Task<Outcome> ConnectAsync(RequestContext c, ConnectCommand cmd)
    {
        var backlog = c.RequireBacklog();
        var t = Trackers;
        if (cmd.Kind is not { } kind)
        {
            var connections = await t.Store.ListConnectionsAsync(backlog.Id, c.Ct);
            return connections.Count == 0
                ? Answers.Info($"{backlog.Name} is not connected to a tracker. A facilitator connects one: `connect github owner/repo` or `connect jira PROJECT`.")
                : Answers.Info(string.Join("\n", connections.Select(Describe)));
        }

        Permissions.Require(c.Role, Permission.ChangeSettings, "connect a tracker");
        if (!t.Gateway.IsConfigured(kind))
        {
            return Answers.Error(kind == TrackerKind.GitHub
                ? "This server has no GitHub credentials: set `Trackers:GitHub:Token` (or the GitHub App settings), then connect again (docs/trackers.md)."
                : "This server has no Jira credentials: set `Trackers:Jira:SiteUrl`, `Trackers:Jira:Email` and `Trackers:Jira:ApiToken`, then connect again (docs/trackers.md).");
        }

        var existing = await t.Store.GetConnectionAsync(backlog.Id, kind, c.Ct);
        var connection = new TrackerConnection
        {
            BacklogId = backlog.Id,
            Kind = kind,
            Target = cmd.Target!,
            PushOn = cmd.PushOn,
            ConnectedBy = c.Actor,
            ConnectedAt = c.Now,
            People = existing?.People ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
        };
        try
        {
            await t.Gateway.CheckAsync(connection, c.Ct);
        }
        catch (TrackerException e)
        {
            return Answers.Error($"Not connected: {e.Message}");
        }

        await t.Store.SaveConnectionAsync(connection, c.Ct);
        // Events from before the connection are not pushed: the worker reads on from now.
        if (existing is null)
        {
            await t.Store.SaveCursorAsync(new TrackerCursor(backlog.Id, c.Now), c.Ct);
        }

        return Answers.Info($"Connected. {Describe(connection)}", Tone.Success);
    }

    private async Task<Outcome> DisconnectAsync(RequestContext c, DisconnectCommand cmd)
    {
        var backlog = c.RequireBacklog();
        Permissions.Require(c.Role, Permission.ChangeSettings, "disconnect a tracker");
        return await Trackers.Store.DeleteConnectionAsync(backlog.Id, cmd.Kind, c.Ct)
            ? Answers.Info($"{backlog.Name} is no longer connected to {Name(cmd.Kind)}. Its items keep their links; nothing is pushed until a facilitator connects again.", Tone.Success)
            : Answers.Error($"{backlog.Name} is not connected to {Name(cmd.Kind)}.");
    }

    private async Task<Outcome> LinkIssueAsync(RequestContext c, LinkIssueCommand cmd)
    {
        var backlog = c.RequireBacklog();
        Permissions.Require(c.Role, Permission.ChangeState, "link an item to a tracker issue");
        var t = Trackers;
        var kind = KindOf(cmd.Reference);
        var connection = await t.Store.GetConnectionAsync(backlog.Id, kind, c.Ct)
            ?? throw new RuleViolationException($"{backlog.Name} is not connected to {Name(kind)}: a facilitator connects it first (`connect`).");
        var item = await context.LoadAsync(c, cmd.Key);
        TrackerIssue? issue;
        try
        {
            issue = await t.Gateway.GetIssueAsync(connection, cmd.Reference, c.Ct);
        }
        catch (TrackerException e)
        {
            return Answers.Error($"{Name(kind)} did not answer as expected: {e.Message}");
        }

        if (issue is null)
        {
            return Answers.Error($"{Name(kind)} has no issue \"{cmd.Reference}\" in {connection.Target}.");
        }

        foreach (var other in await t.Store.FindByIssueAsync(kind, issue.Id, c.Ct))
        {
            if (other.BacklogId == backlog.Id && other.ItemNumber != item.Number)
            {
                return Answers.Error($"{issue.Key} is already linked to {backlog.KeyPrefix}-{other.ItemNumber}.");
            }
        }

        var current = await t.Store.GetLinkAsync(backlog.Id, item.Number, kind, c.Ct);
        if (current?.Value.IssueId is { } linked && linked != issue.Id)
        {
            return Answers.Error($"{item.Key} is already linked to {current.Value.IssueKey}.");
        }

        var link = (current?.Value ?? new TrackerLink { BacklogId = backlog.Id, ItemNumber = item.Number, Kind = kind, LinkedAt = c.Now }) with
        {
            IssueId = issue.Id,
            IssueKey = issue.Key,
            IssueUrl = issue.Url,
            Pending = true,
            NextAttemptAt = c.Now,
            Failed = false,
            FailureReported = false,
            LastError = null,
        };
        await t.Store.SaveLinkAsync(link, current?.ETag, c.Ct);
        await context.UpdateAsync(c, item.Number, i => Task.FromResult(TrackerRules.Linked(i, $"Linked to {issue.Key} ({issue.Url}).", issue.Url, c.Actor, c.Now)));
        return Answers.Info($"{item.Key} is linked to {issue.Key}: {issue.Url}", Tone.Success);
    }

    private async Task<Outcome> LinkPersonAsync(RequestContext c, LinkPersonCommand cmd)
    {
        var backlog = c.RequireBacklog();
        Permissions.Require(c.Role, Permission.ChangeSettings, "link tracker logins");
        var t = Trackers;
        var user = SetupUseCases.ParseMention(cmd.UserMention, c.Actor.Platform)
            ?? throw new RuleViolationException($"Name the person with an @mention: `{TrackerCommandParser.LinkPersonUsage}`.");
        if (await context.Store.Members.GetAsync(backlog.Id, user.Key, c.Ct) is null)
        {
            return Answers.Error($"{user.DisplayName} is not a member of {backlog.Name}.");
        }

        var connection = await t.Store.GetConnectionAsync(backlog.Id, cmd.Kind, c.Ct)
            ?? throw new RuleViolationException($"{backlog.Name} is not connected to {Name(cmd.Kind)}: a facilitator connects it first (`connect`).");
        var people = new Dictionary<string, string>(connection.People, StringComparer.OrdinalIgnoreCase) { [cmd.Login] = user.Key };
        await t.Store.SaveConnectionAsync(connection with { People = people }, c.Ct);
        return Answers.Info($"{cmd.Login} in {Name(cmd.Kind)} is {user.DisplayName}: issues assigned to them make {user.DisplayName} the owner.", Tone.Success);
    }

    /// <summary>
    /// Imports page by page as the tracker pages its search: at most <see cref="MaxImport"/> new items per run, a progress post
    /// every <see cref="ProgressEvery"/>, and issues imported before (by any earlier run) skipped, so running it again continues.
    /// </summary>
    private async Task<Outcome> ImportAsync(RequestContext c, ImportIssuesCommand cmd)
    {
        var backlog = c.RequireBacklog();
        Permissions.Require(c.Role, Permission.ChangeSettings, "import tracker issues");
        var t = Trackers;
        var connection = await t.Store.GetConnectionAsync(backlog.Id, cmd.Kind, c.Ct)
            ?? throw new RuleViolationException($"{backlog.Name} is not connected to {Name(cmd.Kind)}: a facilitator connects it first (`connect`).");
        var created = new List<string>();
        var already = 0;
        int? total = null;
        string? limit = null;
        var capped = false;
        string? failed = null;
        try
        {
            await foreach (var page in t.Gateway.SearchPagesAsync(connection, cmd.Query, c.Ct))
            {
                total ??= page.Total;
                limit ??= page.Limit;
                foreach (var issue in page.Issues)
                {
                    if (created.Count >= MaxImport)
                    {
                        capped = true;
                        break;
                    }

                    if (await ImportOneAsync(c, backlog, cmd.Kind, issue) is { } key)
                    {
                        created.Add(key);
                        if (created.Count % ProgressEvery == 0 && created.Count < MaxImport)
                        {
                            await context.EnqueueAsync(c, OutboxKind.Post, c.Interaction.Place,
                                new TextView($"Imported {created.Count:N0}{(total is { } n ? $" of {n:N0}" : "")} issues from {connection.Target}{(already > 0 ? $" ({already:N0} already here)" : "")}…"),
                                id: $"import:{backlog.Id}:{c.Now.UtcTicks}:{created.Count}");
                        }
                    }
                    else
                    {
                        already++;
                    }
                }

                if (capped)
                {
                    break;
                }
            }
        }
        catch (TrackerException e)
        {
            if (created.Count == 0 && already == 0)
            {
                return Answers.Error($"The search failed: {e.Message}");
            }

            failed = e.Message;
        }

        return Answers.Info(ImportSummary(connection, cmd, created, already, total, capped, limit, failed), created.Count > 0 || failed is null ? Tone.Success : Tone.Warning);
    }

    /// <summary>Creates the New item and its link for one issue; null when the backlog has it already.</summary>
    private async Task<string?> ImportOneAsync(RequestContext c, Backlog backlog, TrackerKind kind, TrackerIssue issue)
    {
        var t = Trackers;
        if ((await t.Store.FindByIssueAsync(kind, issue.Id, c.Ct)).Any(l => l.BacklogId == backlog.Id))
        {
            return null;
        }

        // One number per tracker issue, across retries: an import stopped part-way and run again finishes the same items.
        var reservation = await context.Store.Items.ReserveNumberAsync(backlog.Id, $"import:{kind}:{issue.Id}", c.Ct);
        var key = $"{backlog.KeyPrefix}-{reservation.Number}";
        var change = TrackerRules.Imported(backlog.Id, key, reservation.Number, issue.Title, issue.Body, issue.Url,
            $"{kind.ToString().ToLowerInvariant()}:{issue.Id}", StreamOf(issue), c.Actor, c.Now);
        var item = change.Item;
        try
        {
            item = (await context.Store.Writes.WriteAsync(ItemWrite.Created(change.Item, change.History, c.Actor, c.Now), c.Ct)).Value;
        }
        catch (DuplicateKeyException) when (reservation.Repeated)
        {
            // Written by the earlier run that reserved the number.
        }

        try
        {
            await t.Store.SaveLinkAsync(new TrackerLink
            {
                BacklogId = backlog.Id,
                ItemNumber = item.Number,
                Kind = kind,
                IssueId = issue.Id,
                IssueKey = issue.Key,
                IssueUrl = issue.Url,
                LinkedAt = c.Now,
                Pushed = TrackerSnapshot.Of(item),
            }, null, c.Ct);
        }
        catch (DuplicateKeyException)
        {
        }

        return key;
    }

    private static string ImportSummary(TrackerConnection connection, ImportIssuesCommand cmd, List<string> created, int already, int? total, bool capped, string? limit, string? failed)
    {
        var b = new System.Text.StringBuilder($"Imported {created.Count:N0} {(created.Count == 1 ? "issue" : "issues")} from {connection.Target} as New items.");
        if (created.Count > 0)
        {
            b.Append(CultureInfo.InvariantCulture, $" {string.Join(", ", created.Take(20))}{(created.Count > 20 ? $" and {created.Count - 20:N0} more" : "")}.");
        }

        if (already > 0)
        {
            b.Append(CultureInfo.InvariantCulture, $" {already:N0} {(already == 1 ? "was" : "were")} already here.");
        }

        var again = cmd.Kind == TrackerKind.GitHub ? $"`import github {cmd.Query}`" : $"`import jira \"{cmd.Query}\"`";
        if (failed is not null)
        {
            b.Append(CultureInfo.InvariantCulture, $" It stopped: {failed} Run {again} again to continue; nothing is imported twice.");
        }
        else if (capped)
        {
            var left = total is { } n && n - created.Count - already > 0 ? $"About {n - created.Count - already:N0} more match" : "More match";
            b.Append(CultureInfo.InvariantCulture, $" {left}: one import brings in at most {MaxImport} — run {again} again to continue; nothing is imported twice.");
        }
        else if (limit is not null)
        {
            b.Append(' ').Append(limit);
        }

        return b.ToString();
    }

    private static WorkStream StreamOf(TrackerIssue issue)
    {
        bool Has(string word) => issue.Labels.Any(l => l.Contains(word, StringComparison.OrdinalIgnoreCase));
        return Has("incident") ? WorkStream.Incident : Has("bug") ? WorkStream.Bug : Has("model") ? WorkStream.Model : WorkStream.Feature;
    }

    internal static TrackerKind KindOf(string reference) =>
        JiraKey().IsMatch(reference) || reference.Contains("/browse/", StringComparison.OrdinalIgnoreCase) ? TrackerKind.Jira : TrackerKind.GitHub;

    private static string Describe(TrackerConnection c) =>
        $"{Name(c.Kind)}: {c.Target}, connected by {c.ConnectedBy.DisplayName} on {c.ConnectedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}. " +
        $"Items placed in {(c.PushOn == TrackerPushOn.Sprint ? "Sprint" : "Sprint or Ready")} get an issue there. " +
        (c.People.Count == 0
            ? $"Nobody's {Name(c.Kind)} account is linked yet: `link @person {c.Kind.ToString().ToLowerInvariant()} {(c.Kind == TrackerKind.GitHub ? "<login>" : "<accountId>")}` makes their assigned issues theirs."
            : $"{c.People.Count} {(c.People.Count == 1 ? "person's account is" : "people's accounts are")} linked.");

    internal static string Name(TrackerKind kind) => kind == TrackerKind.GitHub ? "GitHub" : "Jira";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,19}-\d{1,9}$")]
    private static partial Regex JiraKey();
}
