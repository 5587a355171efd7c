using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>Binding channels to backlogs, settings, roles and the dashboard link (SPEC §7, §9).</summary>
internal sealed partial class SetupUseCases(UseCaseContext context) : IUseCase
{
    public void Register(Handlers h)
    {
        h.OnCommand<SetupCommand>((c, _) => OpenSetupAsync(c));
        h.OnAction(ButtonIds.Setup, (c, _) => OpenSetupAsync(c));
        h.OnForm(FormIds.Setup, SubmitSetupAsync);
        h.OnCommand<RoleCommand>(SetRoleAsync);
        h.OnCommand<DashboardCommand>(DashboardAsync);
        h.OnCommand<RubricCommand>((c, _) => Task.FromResult<Outcome>(
            new ReplyOutcome(RubricViews.Describe(c.Backlog?.Value.Settings ?? new BacklogSettings()), Private: false)));
    }

    private async Task<Outcome> OpenSetupAsync(RequestContext c)
    {
        if (c.Backlog is not null)
        {
            Permissions.Require(c.Role, Permission.ChangeSettings, "change this channel's setup");
        }

        return new OpenFormOutcome(Forms.Setup(await JoinableAsync(c), c.Backlog?.Value, c.Binding));
    }

    private async Task<IReadOnlyList<Backlog>> JoinableAsync(RequestContext c)
    {
        var result = new List<Backlog>();
        await foreach (var b in context.Store.Backlogs.ListAsync(c.Ct))
        {
            var member = await context.Store.Members.GetAsync(b.Id, c.Actor.Key, c.Ct);
            if (member?.Role == Role.Facilitator)
            {
                result.Add(b);
            }
        }

        return result;
    }

    private async Task<Outcome> SubmitSetupAsync(RequestContext c, FormSubmitIntent f)
    {
        var joinable = await JoinableAsync(c);
        var errors = new List<FieldError>();
        var choice = Answers.Value(f, Forms.SetupBacklog);
        var name = Answers.Value(f, Forms.SetupName);
        var prefix = Answers.Value(f, Forms.SetupPrefix).ToUpperInvariant();
        var zone = Answers.Value(f, Forms.SetupTimeZone);
        Backlog? existing = choice == Forms.NewBacklogChoice ? null : joinable.FirstOrDefault(b => b.Id == choice);

        if (c.Backlog is not null && c.Role != Role.Facilitator)
        {
            throw new NotAllowedException("Only a facilitator can change this channel's setup.");
        }

        if (choice != Forms.NewBacklogChoice && existing is null)
        {
            errors.Add(new FieldError(Forms.SetupBacklog, "Choose a new backlog or one you facilitate."));
        }

        if (existing is null && (name.Length < 2 || name.Length > 80))
        {
            errors.Add(new FieldError(Forms.SetupName, $"A new backlog needs a name of 2–80 characters (you wrote {name.Length})."));
        }

        if (!PrefixPattern().IsMatch(prefix))
        {
            errors.Add(new FieldError(Forms.SetupPrefix, "The key prefix is 1–10 letters or digits, starting with a letter (e.g. TRI)."));
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors.Add(new FieldError(Forms.SetupTimeZone, $"\"{(zone.Length > 40 ? zone[..40] : zone)}\" is not an IANA time zone. Use a name like Europe/Berlin or America/New_York."));
        }

        int engineers = ReadInt(f, Forms.SetupEngineers, 1, 500, errors);
        int lead = ReadInt(f, Forms.SetupLead, 0, 1440, errors);
        var stage = Answers.Value(f, Forms.SetupStage) == "stable" ? ProductStage.Stable : ProductStage.Early;
        DateOnly? launch = null;
        var launchText = Answers.Value(f, Forms.SetupLaunch);
        if (launchText.Length > 0)
        {
            if (DateOnly.TryParseExact(launchText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                launch = d;
            }
            else
            {
                errors.Add(new FieldError(Forms.SetupLaunch, "Write the launch date as YYYY-MM-DD, or leave it empty."));
            }
        }

        var roles = (IsOn(f, Forms.SetupIntake) ? ChannelRoles.Intake : 0)
            | (IsOn(f, Forms.SetupClinic) ? ChannelRoles.Clinic : 0)
            | (IsOn(f, Forms.SetupReports) ? ChannelRoles.Reports : 0);
        if (roles == ChannelRoles.None)
        {
            errors.Add(new FieldError(Forms.SetupIntake, "Choose at least one use for this channel: reports in, clinic, or reports out."));
        }

        if (errors.Count > 0)
        {
            return new FormErrorsOutcome(Forms.Setup(joinable, c.Backlog?.Value, c.Binding, f.Values, errors));
        }

        Backlog backlog;
        if (existing is null)
        {
            backlog = new Backlog
            {
                Id = await FreeBacklogIdAsync(name, c.Ct),
                Name = name,
                KeyPrefix = prefix,
                TimeZone = zone,
                CreatedAt = c.Now,
                DashboardToken = NewToken(),
                Settings = new BacklogSettings { Engineers = engineers, ReminderLeadMinutes = lead, Stage = stage, LaunchDate = launch },
            };
            if (!await context.Store.Backlogs.TryCreateAsync(backlog, c.Ct))
            {
                return new FormErrorsOutcome(Forms.Setup(joinable, null, c.Binding, f.Values, [new FieldError(Forms.SetupName, "A backlog with that name was just created. Try another name.")]));
            }

            await context.Store.Members.UpsertAsync(new Member(backlog.Id, c.Actor, Role.Facilitator), c.Ct);
        }
        else
        {
            backlog = await context.UpdateBacklogAsync(existing.Id, b => b with
            {
                KeyPrefix = prefix,
                TimeZone = zone,
                Settings = b.Settings with { Engineers = engineers, ReminderLeadMinutes = lead, Stage = stage, LaunchDate = launch },
            }, c.Ct);
        }

        var place = c.Interaction.Place;
        await context.Store.Bindings.UpsertAsync(new Binding
        {
            Address = place with { ThreadId = null, UserId = null },
            BacklogId = backlog.Id,
            Roles = roles,
            Active = true,
            ChannelName = c.Binding?.ChannelName ?? "",
        }, c.Ct);

        var uses = string.Join(", ", new[] { (ChannelRoles.Intake, "new reports"), (ChannelRoles.Clinic, "the triage clinic"), (ChannelRoles.Reports, "reports and reminders") }
            .Where(r => roles.HasFlag(r.Item1)).Select(r => r.Item2));
        var dashboard = context.DashboardUrl(backlog) is { } url ? $" Dashboard: {url}" : "";
        return new CloseFormOutcome(new TextView($"This channel now belongs to {backlog.Name} ({backlog.KeyPrefix}) for {uses}. Time zone {backlog.TimeZone}.{dashboard}", Tone.Success)
        {
            Links = DashboardLink(backlog),
        });
    }

    private async Task<Outcome> SetRoleAsync(RequestContext c, RoleCommand cmd)
    {
        var backlog = c.RequireBacklog();
        Permissions.Require(c.Role, Permission.ChangeSettings, "change roles");
        var user = ParseMention(cmd.UserMention, c.Actor.Platform)
            ?? throw new RuleViolationException("Name the person with an @mention: `role @person engineer`.");
        // The check and the write are one step (the roster's ETag): two facilitators demoting themselves at once cannot
        // both see the other one remain. The one who loses the race checks again.
        for (var attempt = 1; ; attempt++)
        {
            var roster = await context.Store.Members.ListVersionedAsync(backlog.Id, c.Ct);
            if (user.Key == c.Actor.Key && cmd.Role != Role.Facilitator && roster.Value.Count(m => m.Role == Role.Facilitator) <= 1)
            {
                return Answers.Error("You are the only facilitator. Make someone else a facilitator first.");
            }

            try
            {
                await context.Store.Members.UpsertAsync(new Member(backlog.Id, user, cmd.Role), roster.ETag, c.Ct);
                break;
            }
            catch (ConcurrencyException) when (attempt < 5)
            {
            }
        }

        return Answers.Info($"{user.DisplayName} is now {(cmd.Role == Role.Engineer ? "an" : "a")} {cmd.Role.ToString().ToLowerInvariant()} of {backlog.Name}.", Tone.Success);
    }

    private async Task<Outcome> DashboardAsync(RequestContext c, DashboardCommand cmd)
    {
        var backlog = c.RequireBacklog();
        if (cmd.Rotate)
        {
            Permissions.Require(c.Role, Permission.ChangeSettings, "rotate the dashboard link");
            backlog = await context.UpdateBacklogAsync(backlog.Id, b => b with { DashboardToken = NewToken() }, c.Ct);
            return new ReplyOutcome(new TextView(context.DashboardUrl(backlog) is { } url
                ? $"New dashboard link: {url} — the old link stopped working."
                : "The dashboard link was rotated; the old one stopped working. Set a public base URL to get links here.", Tone.Success)
            {
                Links = DashboardLink(backlog),
            });
        }

        return new ReplyOutcome(new TextView(context.DashboardUrl(backlog) is { } link
            ? $"Dashboard for {backlog.Name}: {link}"
            : "The dashboard has no public address yet: set `PublicBaseUrl` in the bot's settings.")
        {
            Links = DashboardLink(backlog),
        });
    }

    private IReadOnlyList<ViewLink> DashboardLink(Backlog backlog) =>
        context.DashboardUrl(backlog) is { } url ? [new ViewLink(url, $"{backlog.Name} dashboard")] : [];

    private async Task<string> FreeBacklogIdAsync(string name, CancellationToken ct)
    {
        var slug = Slug(name);
        for (var n = 1; ; n++)
        {
            var id = n == 1 ? slug : $"{slug}-{n}";
            if (await context.Store.Backlogs.GetAsync(id, ct) is null)
            {
                return id;
            }
        }
    }

    internal static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (var ch in name.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (ch is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(ch);
            }
            else if (sb.Length > 0 && sb[^1] != '-' && (char.IsWhiteSpace(ch) || ch is '-' or '_' or '.'))
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "backlog" : slug.Length > 40 ? slug[..40].TrimEnd('-') : slug;
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>A mention as channels pass it: Slack <c>&lt;@U123|name&gt;</c> / <c>&lt;@U123&gt;</c>, or <c>@id</c>.</summary>
    internal static UserRef? ParseMention(string token, Platform platform)
    {
        var m = MentionPattern().Match(token);
        if (m.Success)
        {
            var id = m.Groups["id"].Value;
            var name = m.Groups["name"].Success ? m.Groups["name"].Value : id;
            return new UserRef(platform, id, name);
        }

        // Slack escapes a real mention to <@U…>; a bare "@eli" there is a display name, not an id, so it names nobody.
        return platform != Platform.Slack && token.Length > 1 && token[0] == '@' && token.Length <= 100 ? new UserRef(platform, token[1..], token[1..]) : null;
    }

    private static bool IsOn(FormSubmitIntent f, string id) => Answers.Value(f, id) is "true" or "on" or "1";

    private static int ReadInt(FormSubmitIntent f, string id, int min, int max, List<FieldError> errors)
    {
        if (int.TryParse(Answers.Value(f, id), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors.Add(new FieldError(id, $"Enter a whole number from {min} to {max}."));
        return min;
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,9}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"^<@(?<id>[A-Za-z0-9:_\-\.]{1,100})(\|(?<name>[^>]{1,100}))?>$")]
    private static partial Regex MentionPattern();
}
