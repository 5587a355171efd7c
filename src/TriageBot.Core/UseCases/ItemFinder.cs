using System.Globalization;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// Finding items from outside a conversation (issue 19): the Teams search message extension, and link unfurls on Teams
/// and Slack. A search only looks in the person's own backlogs. A link unfurls only when it is one of this app's
/// dashboard or item links (<c>{PublicBaseUrl}/d/{token}</c>, <c>…/items/{n}</c>) with a dashboard token in force: the token
/// is what lets anyone see that backlog's dashboard, so it is also what lets its items unfurl. Anything else is ignored.
/// </summary>
public sealed partial class ItemFinder
{
    /// <summary>At most this many items answer one search.</summary>
    public const int MaxResults = 10;

    /// <summary>A query or a link longer than this is not looked at.</summary>
    public const int MaxQueryLength = 200;
    public const int MaxUrlLength = 2048;

    private readonly UseCaseContext _context;

    internal ItemFinder(UseCaseContext context) => _context = context;

    /// <summary>
    /// Items of <paramref name="person"/>'s backlogs whose key is <paramref name="query"/> (<c>TRI-42</c>) or whose title holds
    /// every word of it; open items first, newest first. An empty query lists their newest open items. Read-only cards.
    /// </summary>
    public async Task<IReadOnlyList<ItemCardView>> SearchAsync(UserRef person, string? query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(person);
        var text = (query ?? "").Trim();
        if (text.Length > MaxQueryLength) return [];
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var now = _context.Time.GetUtcNow();
        var found = new List<(Item Item, Backlog Backlog)>();
        await foreach (var backlog in _context.Store.Backlogs.ListAsync(ct))
        {
            if (await _context.Store.Members.GetAsync(backlog.Id, person.Key, ct) is null) continue;
            if (KeyOf(text, backlog) is { } number)
            {
                if (await _context.Store.Items.GetAsync(backlog.Id, number, ct) is { } keyed) found.Add((keyed.Value, backlog));
                continue;
            }

            await foreach (var item in _context.Store.Items.QueryAsync(new Ports.ItemQuery(backlog.Id), ct))
            {
                if (words.Length == 0 ? ItemReading.IsOpen(item.State) : words.All(w => item.Title.Contains(w, StringComparison.OrdinalIgnoreCase)))
                    found.Add((item, backlog));
            }
        }

        return [.. found
            .OrderByDescending(f => ItemReading.IsOpen(f.Item.State))
            .ThenByDescending(f => f.Item.CreatedAt)
            .Take(MaxResults)
            .Select(f => Card(f.Item, f.Backlog, now))];
    }

    /// <summary>
    /// The card a pasted link unfurls into: an item's card for an item link, the backlog's overview for a dashboard link;
    /// null for any other address, a rotated token, or an item that does not exist.
    /// </summary>
    public async Task<View?> UnfurlAsync(string? url, CancellationToken ct)
    {
        if (Parse(url, _context.Options.PublicBaseUrl) is not ({ } token, var number)) return null;
        var backlog = await _context.Store.Backlogs.FindByDashboardTokenAsync(token, ct);
        if (backlog is null || !string.Equals(backlog.DashboardToken, token, StringComparison.Ordinal)) return null;
        var now = _context.Time.GetUtcNow();
        if (number is { } n)
        {
            var item = await _context.Store.Items.GetAsync(backlog.Id, n, ct);
            return item is null ? null : Card(item.Value, backlog, now);
        }

        var counts = new Dictionary<ItemState, int>();
        await foreach (var item in _context.Store.Items.QueryAsync(new Ports.ItemQuery(backlog.Id), ct))
            counts[item.State] = counts.GetValueOrDefault(item.State) + 1;
        string Count(ItemState s) => counts.GetValueOrDefault(s).ToString(CultureInfo.InvariantCulture);
        var dashboard = _context.DashboardUrl(backlog)!;
        return new TextView($"{Count(ItemState.Active)} active · {Count(ItemState.Sprint)} in the sprint queue · {Count(ItemState.Ready)} ready · {Count(ItemState.New)} new · {Count(ItemState.Icebox)} in the icebox.")
        {
            Title = $"{backlog.Name}: dashboard",
            Links = [new ViewLink(dashboard, "Open the dashboard")],
        };
    }

    /// <summary>
    /// The dashboard token and item number of one of this app's links, or null. The link must be http(s) on the public
    /// base URL's scheme, host and port, under its path, with no user info, and shaped <c>/d/{token}</c> or <c>/d/{token}/items/{n}</c>.
    /// </summary>
    public static (string Token, int? Number)? Parse(string? url, string? publicBaseUrl)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || string.IsNullOrWhiteSpace(publicBaseUrl)) return null;
        if (!Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var root) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var link)) return null;
        if (link.Scheme is not ("https" or "http") || link.Scheme != root.Scheme || !string.IsNullOrEmpty(link.UserInfo)
            || !string.Equals(link.Host, root.Host, StringComparison.OrdinalIgnoreCase) || link.Port != root.Port)
            return null;
        var prefix = root.AbsolutePath.TrimEnd('/');
        var path = link.AbsolutePath;
        if (!path.StartsWith(prefix + "/d/", StringComparison.Ordinal)) return null;
        var match = LinkPath().Match(path[prefix.Length..]);
        if (!match.Success) return null;
        if (!match.Groups["n"].Success) return (match.Groups["token"].Value, null);
        return int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? (match.Groups["token"].Value, n) : null;
    }

    private ItemCardView Card(Item item, Backlog backlog, DateTimeOffset now)
    {
        var summary = ItemSummaries.Of(item, now, _context.ItemUrl(backlog, item.Number));
        return new ItemCardView(summary) { Description = item.Description };
    }

    private static int? KeyOf(string text, Backlog backlog)
    {
        var match = KeyPattern().Match(text);
        return match.Success && string.Equals(match.Groups["prefix"].Value, backlog.KeyPrefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }

    [GeneratedRegex(@"^(?<prefix>[A-Za-z][A-Za-z0-9]{0,9})-(?<n>\d{1,9})$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^/d/(?<token>[A-Za-z0-9_-]{8,128})(/items/(?<n>\d{1,9}))?/?$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LinkPath();
}
