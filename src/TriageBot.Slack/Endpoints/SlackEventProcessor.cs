using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.UseCases;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Endpoints;

/// <summary>An event recorded in the inbox, to be handled.</summary>
internal sealed record SlackEventWork(string EventId, string TeamId, string? BotUserId, SlackEvent Event, DateTimeOffset ReceivedAt);

/// <summary>
/// Handles events: mentions and DMs become commands, the bot joining a channel gets a welcome. Answers go through the
/// outbox (Slack's HTTP request carries no reply). The Events endpoint waits for the handling before it acknowledges.
/// </summary>
internal sealed partial class SlackEventProcessor(
    IServiceScopeFactory scopes,
    BackgroundWork background,
    TimeProvider time,
    ILogger<SlackEventProcessor> logger)
{
    /// <summary>An event recorded this long ago and still not handled was lost with the instance handling it; its retry handles it.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, (string Name, DateTimeOffset Until)> _names = new(StringComparer.Ordinal);

    /// <summary>
    /// Handles one event in its own scope; not tied to the HTTP request, so it may outlive the ack. It runs as tracked
    /// background work: cancelled when the host stops, which waits for it before disposing the store.
    /// </summary>
    public Task HandleAsync(SlackEventWork work) =>
        // Returns to the endpoint at once, so its ack budget runs even while the handling works synchronously. The
        // endpoint's log scope (team, event id) flows into this work.
        background.Run(async ct =>
        {
            await using var services = scopes.CreateAsyncScope();
            await ProcessAsync(work, services.ServiceProvider, ct).ConfigureAwait(false);
        });

    /// <summary>Lets Slack's retry of an event that could not be handled be handled, instead of dropped as a duplicate.</summary>
    public Task ForgetAsync(SlackEventWork work) =>
        InboxAsync(work, inbox => inbox.ForgetAsync(Platform.Slack, work.EventId, work.ReceivedAt, CancellationToken.None));

    /// <summary>
    /// Notes a handled event, so Slack's later retries of it are acknowledged as duplicates. If this fails the event was
    /// still handled; only a retry (there should be none after a 200) would then wait for <see cref="AbandonedAfter"/>.
    /// </summary>
    public Task MarkHandledAsync(SlackEventWork work) =>
        InboxAsync(work, inbox => inbox.MarkHandledAsync(Platform.Slack, work.EventId, work.ReceivedAt, CancellationToken.None));

    /// <summary>One inbox write after the request may be gone: its own scope, failures logged, never thrown.</summary>
    private async Task InboxAsync(SlackEventWork work, Func<IInbox, Task> write)
    {
        try
        {
            await using var services = scopes.CreateAsyncScope();
            await write(services.ServiceProvider.GetRequiredService<IInbox>()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.EventFailed(logger, e, work.EventId);
        }
    }

    /// <summary>For an event answered while still running: marked handled when it succeeds, logged and forgotten by the inbox when it fails.</summary>
    /// <remarks>Tracked like the handling, so the host waits for it; a handling cut short by the host stopping is not a failure.</remarks>
    public void FinishAfterAnswer(SlackEventWork work, Task handling) =>
        background.Track(handling.ContinueWith(async t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                await MarkHandledAsync(work).ConfigureAwait(false);
                return;
            }

            var error = t.Exception?.GetBaseException();
            if (background.Stopping.IsCancellationRequested && error is null or OperationCanceledException)
            {
                Log.EventStoppedByShutdown(logger, work.EventId);
            }
            else
            {
                Log.EventFailed(logger, error ?? new OperationCanceledException("The event's handling was cancelled."), work.EventId);
            }

            await ForgetAsync(work).ConfigureAwait(false);
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap());

    internal async Task ProcessAsync(SlackEventWork work, IServiceProvider services, CancellationToken ct)
    {
        var responder = services.GetRequiredService<SlackResponder>();
        switch (work.Event)
        {
            case MemberJoinedChannelEvent joined when joined.User.Length > 0 && joined.User == work.BotUserId:
                var place = new ConversationAddress { Platform = Platform.Slack, Workspace = work.TeamId, ChannelId = joined.Channel };
                var welcome = new WelcomeView(AlreadyBound: false, BacklogName: null)
                {
                    Actions = [new ActionButton(ButtonIds.Setup, "Set up this channel", null, ButtonStyle.Primary)],
                };
                await services.GetRequiredService<IOutbox>().EnqueueAsync(responder.NewOutbox(OutboxKind.Post, place, welcome, null, "welcome"), ct).ConfigureAwait(false);
                break;

            case AppMentionEvent mention when IsFromPerson(mention, work.BotUserId):
                await CommandAsync(work, mention, services, responder, ct).ConfigureAwait(false);
                break;

            case MessageEvent message when message.ChannelType == "im" && IsFromPerson(message, work.BotUserId):
                await CommandAsync(work, message, services, responder, ct).ConfigureAwait(false);
                break;

            case AppHomeOpenedEvent { Tab: "home" } home when home.User.Length > 0 && services.GetService<IHomes>() is { } homes:
                // Published through the outbox (a coalesced live update): the home shows the state when it is sent.
                var who = new UserRef(Platform.Slack, home.User, home.User);
                var dm = new ConversationAddress { Platform = Platform.Slack, Workspace = work.TeamId, ChannelId = home.Channel ?? "", UserId = home.User };
                await homes.OpenedAsync(who, dm, ct).ConfigureAwait(false);
                break;

            case AppUninstalledEvent or TokensRevokedEvent { Tokens.Bot.Count: > 0 }
                when Installations.SlackWorkspace.Current is { } tenant && services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SlackOptions>>().Value.IsMultiWorkspace:
                // Installs to many workspaces: the tokens are deleted; messages still queued for it fail as the channel lost.
                await services.GetRequiredService<Installations.SlackInstallations>().RemoveAsync(
                    tenant, work.Event is AppUninstalledEvent ? "app_uninstalled" : "tokens_revoked", ct).ConfigureAwait(false);
                break;

            case LinkSharedEvent shared:
                await Unfurls.LinkUnfurls.UnfurlAsync(shared, services, logger, ct).ConfigureAwait(false);
                break;

            default:
                Log.Ignored(logger, "event", work.Event.GetType().Name);
                break;
        }
    }

    /// <summary>People only: not bots (ours or others), not edits/joins/other subtypes, which would loop or repeat.</summary>
    private static bool IsFromPerson(MessageLikeEvent e, string? botUserId) =>
        e.BotId is null && e.Subtype is null && !string.IsNullOrEmpty(e.User) && e.User != botUserId && !string.IsNullOrEmpty(e.Channel);

    private async Task CommandAsync(SlackEventWork work, MessageLikeEvent e, IServiceProvider services, SlackResponder responder, CancellationToken ct)
    {
        var userId = e.User!;
        var text = StripMentions(e.Text ?? "", work.BotUserId);
        var name = await DisplayNameAsync(userId, services, ct).ConfigureAwait(false);
        var place = new ConversationAddress { Platform = Platform.Slack, Workspace = work.TeamId, ChannelId = e.Channel, ThreadId = e.ThreadTs };
        var interaction = new Interaction(new UserRef(Platform.Slack, userId, name), place, new CommandIntent(text), time.GetUtcNow());
        var outcome = await services.GetRequiredService<IConversation>().HandleAsync(interaction, ct).ConfigureAwait(false);

        var hint = "event-" + work.EventId;
        switch (outcome)
        {
            case ReplyOutcome reply:
                await responder.EnqueueReplyAsync(place, userId, reply.View, reply.Private, hint, ct).ConfigureAwait(false);
                break;
            case OpenFormOutcome { Form: var form }:
                await responder.EnqueueReplyAsync(place, userId, OpenFormPrompt(form, text), isPrivate: true, hint, ct).ConfigureAwait(false);
                break;
            case FormErrorsOutcome { Form: var form }:
                await responder.EnqueueReplyAsync(place, userId, OpenFormPrompt(form, text), isPrivate: true, hint, ct).ConfigureAwait(false);
                break;
            case UpdateCardOutcome update:
                await responder.EnqueueReplyAsync(place, userId, update.View, isPrivate: false, hint, ct).ConfigureAwait(false);
                break;
            case CloseFormOutcome { Then: { } then }:
                await responder.EnqueueReplyAsync(place, userId, then, isPrivate: true, hint, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// A message can't open a modal (no trigger id), so the answer is a button that re-runs the same command from
    /// a click, which does carry one. The button carries the command text, not state.
    /// </summary>
    internal static TextView OpenFormPrompt(FormView form, string commandText) =>
        new($"{form.Title} opens in a form: press the button to fill it in.")
        {
            Actions = [new ActionButton(ActionIdCodec.RunCommand, "Open " + form.Title, commandText.Length <= BlockLimits.ButtonValue ? commandText : commandText[..BlockLimits.ButtonValue], ButtonStyle.Primary)],
        };

    /// <summary>Removes mentions of the bot (<c>&lt;@U123&gt;</c> or <c>&lt;@U123|name&gt;</c>) so "@TriageBot new bug" reads as "new bug".</summary>
    internal static string StripMentions(string text, string? botUserId)
    {
        if (string.IsNullOrEmpty(botUserId))
        {
            return MentionPattern().Replace(text, "", 1).Trim();
        }

        return Regex.Replace(text, "<@" + Regex.Escape(botUserId) + @"(\|[^>]*)?>", "", RegexOptions.None, TimeSpan.FromSeconds(1)).Trim();
    }

    [GeneratedRegex(@"^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MentionPattern();

    private async Task<string> DisplayNameAsync(string userId, IServiceProvider services, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_names.TryGetValue(userId, out var cached) && cached.Until > now)
        {
            return cached.Name;
        }

        try
        {
            var info = await services.GetRequiredService<SlackApiClient>().GetUserAsync(userId, ct).ConfigureAwait(false);
            _names[userId] = (info.DisplayName, now.AddHours(1));
            return info.DisplayName;
        }
        catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException)
        {
            // A name is a nicety; the id is what identifies the person.
            Log.ReplyFailed(logger, "users.info", e.Message);
            return userId;
        }
    }
}
