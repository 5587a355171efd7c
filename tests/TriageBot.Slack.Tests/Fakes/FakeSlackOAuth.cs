using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace TriageBot.Slack.Tests.Fakes;

/// <summary>What the fake Slack grants for one code or refresh token.</summary>
public sealed record FakeGrant(
    string Team, string AccessToken, string? Enterprise = null, bool OrgInstall = false, string BotUserId = "UBOT",
    string? RefreshToken = null, int? ExpiresIn = null, string Installer = "U1", string Scope = "commands,chat:write");

/// <summary>
/// The OAuth side of the fake Slack: <c>oauth.v2.access</c> with the app's client id and secret, one-use codes and
/// refresh tokens, and tokens that stop working once revoked (calls with them answer <c>token_revoked</c>).
/// </summary>
public sealed class FakeSlackOAuth
{
    private readonly ConcurrentDictionary<string, FakeGrant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeGrant> _refreshes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.Ordinal);

    public const string ClientId = "1111.2222";
    public const string ClientSecret = "fake-client-secret-0123456789";

    /// <summary>The code Slack would hand the redirect after the person allowed the install; it works once.</summary>
    public void AddCode(string code, FakeGrant grant) => _codes[code] = grant;

    /// <summary>What a refresh with <paramref name="refreshToken"/> grants; it works once (Slack rotates refresh tokens).</summary>
    public void AddRefresh(string refreshToken, FakeGrant next) => _refreshes[refreshToken] = next;

    /// <summary>From now on, calls with <paramref name="token"/> answer <c>token_revoked</c>.</summary>
    public void Revoke(string token) => _revoked[token] = 0;

    /// <summary>The answer for a call, or null to answer it as usual.</summary>
    public FakeAnswer? AnswerFor(string method, string body, string authorization)
    {
        if (method != "oauth.v2.access")
        {
            return authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _revoked.ContainsKey(authorization["Bearer ".Length..])
                ? FakeAnswer.Error("token_revoked")
                : null;
        }

        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body);
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parsed)
        {
            form[key] = value.ToString();
        }

        if (form.GetValueOrDefault("client_id") != ClientId)
        {
            return FakeAnswer.Error("invalid_client_id");
        }

        if (form.GetValueOrDefault("client_secret") != ClientSecret)
        {
            return FakeAnswer.Error("bad_client_secret");
        }

        if (form.GetValueOrDefault("grant_type") == "refresh_token")
        {
            return _refreshes.TryRemove(form.GetValueOrDefault("refresh_token") ?? "", out var next) ? Grant(next) : FakeAnswer.Error("invalid_refresh_token");
        }

        return _codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var grant) ? Grant(grant) : FakeAnswer.Error("invalid_code");
    }

    private static FakeAnswer Grant(FakeGrant g)
    {
        var json = new JsonObject
        {
            ["ok"] = true,
            ["access_token"] = g.AccessToken,
            ["token_type"] = "bot",
            ["scope"] = g.Scope,
            ["bot_user_id"] = g.BotUserId,
            ["app_id"] = "A0E2E",
            ["team"] = g.OrgInstall ? null : new JsonObject { ["id"] = g.Team, ["name"] = "Team " + g.Team },
            ["enterprise"] = g.Enterprise is null ? null : new JsonObject { ["id"] = g.Enterprise, ["name"] = "Org " + g.Enterprise },
            ["is_enterprise_install"] = g.OrgInstall,
            ["authed_user"] = new JsonObject { ["id"] = g.Installer },
        };
        if (g.RefreshToken is not null)
        {
            json["refresh_token"] = g.RefreshToken;
            json["expires_in"] = g.ExpiresIn ?? 43200;
        }

        return new FakeAnswer(200, json.ToJsonString());
    }
}
