using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Teams.Activities;

/// <summary>Pure translations from a validated activity to Core's vocabulary: who, where, and what was typed.</summary>
public static partial class ActivityTranslation
{
    /// <summary>Keys the cards put into submitted data; never treated as form values.</summary>
    public const string FormIdKey = "formId";
    public const string ArgKey = "arg";
    public const string ActionIdKey = "actionId";
    public const string MsTeamsKey = "msteams";
    /// <summary>In a dialog form's submit data: the Teams user id of the person the dialog was opened for.</summary>
    public const string OpenedByKey = "openedBy";
    /// <summary>In a dialog's data: the form whose choice changed, to be redrawn with everything typed (a stream switch).</summary>
    public const string RefreshFormKey = "refreshForm";

    /// <summary>
    /// The person, from the validated activity only: the Teams user id (<c>from.id</c>, <c>29:…</c>). That is the id mention
    /// entities carry (so <c>role @person</c> names the same key the person acts with), the id a 1:1 chat is created with,
    /// and the MRI card refresh lists expect. The AAD object id is deliberately not used as the identity.
    /// </summary>
    public static UserRef? Actor(TeamsActivity activity)
    {
        var from = activity.From;
        if (from is null || string.IsNullOrWhiteSpace(from.Id)) return null;
        return new UserRef(Platform.Teams, from.Id, from.Name ?? "");
    }

    public static string? TenantId(TeamsActivity activity) =>
        NullIfBlank(activity.Conversation?.TenantId) ?? NullIfBlank(activity.ChannelData?.Tenant?.Id);

    /// <summary>
    /// The inbox key of an activity: tenant + conversation id + activity id, because Teams activity ids are unique only
    /// within a conversation (two chats can each send an activity <c>1</c>). Null when the activity has no id or tenant.
    /// A key that is long, non-ASCII or contains the separator is replaced by the SHA-256 of an unambiguous
    /// length-prefixed form, so it always fits a storage key.
    /// </summary>
    public static string? DeliveryKey(TeamsActivity activity)
    {
        var tenant = TenantId(activity)?.Trim().ToLowerInvariant();
        var conversation = activity.Conversation?.Id ?? "";
        var id = activity.Id;
        if (string.IsNullOrEmpty(id) || tenant is null) return null;
        var plain = $"{tenant}|{conversation}|{id}";
        var simple = plain.Length <= 200 && plain.All(char.IsAscii)
            && !tenant.Contains('|', StringComparison.Ordinal) && !conversation.Contains('|', StringComparison.Ordinal) && !id.Contains('|', StringComparison.Ordinal);
        if (simple) return plain;
        var framed = $"{tenant.Length}:{tenant}{conversation.Length}:{conversation}{id.Length}:{id}";
        return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(framed)));
    }

    /// <summary>
    /// Where the activity happened. In a channel thread Teams sends <c>19:…;messageid=&lt;root&gt;</c>: the channel id
    /// is the part before the suffix and the thread is the root message id.
    /// </summary>
    public static ConversationAddress? Place(TeamsActivity activity)
    {
        var tenant = TenantId(activity);
        var conversationId = activity.Conversation?.Id;
        if (tenant is null || string.IsNullOrWhiteSpace(conversationId)) return null;
        var (channelId, threadId) = SplitConversationId(conversationId);
        return new ConversationAddress
        {
            Platform = Platform.Teams,
            Workspace = tenant,
            ChannelId = channelId,
            ThreadId = threadId,
            ServiceUrl = activity.ServiceUrl,
            TeamId = NullIfBlank(activity.ChannelData?.Team?.Id),
        };
    }

    public static (string ChannelId, string? ThreadId) SplitConversationId(string conversationId)
    {
        const string marker = ";messageid=";
        var at = conversationId.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return (conversationId, null);
        var thread = conversationId[(at + marker.Length)..];
        return (conversationId[..at], thread.Length == 0 ? null : thread);
    }

    /// <summary>
    /// The command text of a message: the bot's own <c>&lt;at&gt;…&lt;/at&gt;</c> mentions removed (matched by the
    /// mention entity whose id is the recipient's, as Bot Framework does), HTML line breaks and non-breaking spaces normalised.
    /// Mentions of other people become Core's mention token <c>&lt;@id|name&gt;</c> (id and name from the mention entity),
    /// so commands such as <c>role @person engineer</c> name the person by the same id they act with.
    /// </summary>
    public static string CommandText(TeamsActivity activity)
    {
        // The placeholders below use these control characters; nobody types them, so they are dropped.
        var text = (activity.Text ?? "").Replace(PlaceholderStart, ' ').Replace(PlaceholderEnd, ' ');
        var botId = activity.Recipient?.Id;
        var tokens = new List<string>();
        foreach (var entity in activity.Entities ?? [])
        {
            if (!string.Equals(entity.Type, "mention", StringComparison.OrdinalIgnoreCase) || entity.Mentioned is not { } mentioned) continue;
            var markup = !string.IsNullOrEmpty(entity.Text) ? entity.Text : $"<at>{mentioned.Name}</at>";
            if (botId is not null && string.Equals(mentioned.Id, botId, StringComparison.Ordinal))
            {
                text = Regex.Replace(text, Regex.Escape(markup), " ", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
            }
            else if (MentionToken(mentioned) is { } token)
            {
                // The markup is HTML, which is stripped below: park the mention behind a placeholder and put the token back after.
                var placeholder = $" {PlaceholderStart}{tokens.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}{PlaceholderEnd} ";
                var replaced = Regex.Replace(text, Regex.Escape(markup), placeholder, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
                if (replaced != text)
                {
                    tokens.Add(token);
                    text = replaced;
                }
            }
        }
        text = text.Replace("&nbsp;", " ", StringComparison.OrdinalIgnoreCase).Replace('\u00A0', ' ');
        if (string.Equals(activity.TextFormat, "xml", StringComparison.OrdinalIgnoreCase) || text.Contains('<', StringComparison.Ordinal))
            text = HtmlToText(text);
        text = WhitespaceRun().Replace(text, " ").Trim();
        for (var i = 0; i < tokens.Count; i++)
            text = text.Replace($"{PlaceholderStart}{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}{PlaceholderEnd}", tokens[i], StringComparison.Ordinal);
        return text;
    }

    private const char PlaceholderStart = '\u0001';
    private const char PlaceholderEnd = '\u0002';

    /// <summary>
    /// Core's mention token for a mentioned person: <c>&lt;@id|name&gt;</c>, or null when the id is not a person's id Core
    /// accepts (channel and tag mentions, which stay as their plain text).
    /// </summary>
    public static string? MentionToken(ChannelAccount mentioned)
    {
        var id = mentioned.Id;
        if (string.IsNullOrEmpty(id) || !MentionId().IsMatch(id)) return null;
        var name = WhitespaceRun().Replace(MentionNameUnsafe().Replace(WebUtility.HtmlDecode(mentioned.Name ?? ""), " "), " ").Trim();
        if (name.Length > 100) name = name[..100].TrimEnd();
        return name.Length == 0 ? $"<@{id}>" : $"<@{id}|{name}>";
    }

    /// <summary>Plain text of a Teams HTML message body (for "Report to triage").</summary>
    public static string HtmlToText(string html)
    {
        var text = LineBreakTag().Replace(html, "\n");
        text = AnyTag().Replace(text, "");
        text = WebUtility.HtmlDecode(text).Replace('\u00A0', ' ');
        var lines = text.Split('\n').Select(l => l.Trim());
        return string.Join('\n', lines).Trim();
    }

    public static string? StringOf(JsonObject? data, string key) =>
        data is not null && data.TryGetPropertyValue(key, out var node) && node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : null;

    /// <summary>The submitted inputs: every value except the card's own keys, as the strings the form fields expect.</summary>
    public static IReadOnlyDictionary<string, string> FormValues(JsonObject? data)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (data is null) return values;
        foreach (var (key, node) in data)
        {
            if (key is FormIdKey or ArgKey or ActionIdKey or MsTeamsKey or OpenedByKey or RefreshFormKey || node is null) continue;
            values[key] = node switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
                JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
                JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
                _ => node.ToJsonString(),
            };
        }
        return values;
    }

    public static bool IsBotMember(IEnumerable<ChannelAccount>? members, ChannelAccount? recipient) =>
        recipient?.Id is { } botId && members is not null && members.Any(m => string.Equals(m.Id, botId, StringComparison.Ordinal));

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    [GeneratedRegex(@"<\s*br\s*/?\s*>|</\s*(p|div|li)\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreakTag();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"[ \t\r\n]+")]
    private static partial Regex WhitespaceRun();

    /// <summary>The ids Core's mention token accepts (Teams user ids are <c>29:</c> followed by letters, digits, <c>-</c> and <c>_</c>).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9:_\-\.]{1,100}$")]
    private static partial Regex MentionId();

    /// <summary>Characters that would end or split the token, and control characters.</summary>
    [GeneratedRegex(@"[<>|\p{Cc}]")]
    private static partial Regex MentionNameUnsafe();
}
