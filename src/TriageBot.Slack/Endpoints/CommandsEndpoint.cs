using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;

namespace TriageBot.Slack.Endpoints;

/// <summary><c>POST /slack/commands</c>: the <c>/triage</c> slash command. The answer is the HTTP response body.</summary>
internal static class CommandsEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http,
        [FromServices] IOptions<SlackOptions> options,
        [FromServices] TimeProvider time,
        [FromServices] SlackDispatcher dispatcher,
        [FromServices] ILoggerFactory loggers)
    {
        var logger = SlackLoggers.Commands(loggers);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SlackEndpoint"] = "commands" });

        var (body, refusal) = await SlackRequest.ReadVerifiedAsync(http, options.Value.MaxCommandBodyBytes, options.Value, time, logger, SlackRequest.Form).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = body!.TryReadForm();
        if (form is null)
        {
            return SlackRequest.BadRequest(logger, "the body is not UTF-8 form data");
        }

        return (await dispatcher.CommandAsync(form, http.RequestAborted).ConfigureAwait(false)).ToResult();
    }

    /// <summary>One slash command's fields, verified by its transport: the answer (its body is the reply Slack shows).</summary>
    public static async Task<SlackAnswer> DispatchAsync(
        IReadOnlyDictionary<string, StringValues> form, TimeProvider time, IConversation conversation, SlackResponder responder, IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        if (form.TryGetValue("ssl_check", out var ssl) && ssl == "1")
        {
            return SlackAnswer.Ok;
        }

        var command = SlashCommand.From(form);
        if (command is null)
        {
            return SlackAnswer.BadRequest(logger, "a slash command needs command, user_id, team_id and channel_id (once each)");
        }

        using var teamScope = logger.BeginScope(new Dictionary<string, object> { ["SlackTeam"] = command.TeamId });
        // Installs to many workspaces: calls made for this command use its workspace's token; an uninstalled workspace is refused.
        Installations.SlackWorkspace.Current = Installations.SlackTenant.FromForm(command.TeamId, form);
        if (await Installations.InstallGate.RefuseUninstalledAsync(services, Installations.SlackWorkspace.Current, answerAsCommand: true, ct).ConfigureAwait(false) is { } notInstalled)
        {
            return notInstalled;
        }

        var place = new ConversationAddress { Platform = Platform.Slack, Workspace = command.TeamId, ChannelId = command.ChannelId };
        var interaction = new Interaction(
            new UserRef(Platform.Slack, command.UserId, command.UserName),
            place,
            new CommandIntent(command.Text),
            time.GetUtcNow());

        Outcome outcome;
        try
        {
            outcome = await conversation.HandleAsync(interaction, ct).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return SlackAnswer.StoreUnavailable(logger, "slash command");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.InteractionFailed(logger, e, "slash command");
            return Reply(new TextView("Sorry, that did not work: something went wrong on our side. Please try again in a moment.", Tone.Error), isPrivate: true);
        }

        switch (outcome)
        {
            case ReplyOutcome reply:
                return Reply(reply.View, reply.Private);

            case OpenFormOutcome open:
                return await OpenFormAsync(open.Form).ConfigureAwait(false);

            case FormErrorsOutcome errors:
                return await OpenFormAsync(errors.Form).ConfigureAwait(false);

            case UpdateCardOutcome update:
                return Reply(update.View, isPrivate: false);

            case CloseFormOutcome { Then: { } then }:
                return Reply(then, isPrivate: true);

            case CloseFormOutcome or NoOutcome:
                return SlackAnswer.Ok;

            default:
                Log.Ignored(logger, "outcome", outcome.GetType().Name);
                return SlackAnswer.Ok;
        }

        async Task<SlackAnswer> OpenFormAsync(FormView form)
        {
            // The trigger id expires 3 s after the command: open the modal now, before anything else.
            var error = await responder.OpenFormAsync(
                form, command.TriggerId, new FormMetadata(form.FormId, form.Argument, command.ChannelId, null), push: false, ct).ConfigureAwait(false);
            return error is null
                ? SlackAnswer.Ok
                : Reply(new TextView($"Sorry, the form could not be opened ({error}). Please run the command again.", Tone.Error), isPrivate: true);
        }
    }

    private static SlackAnswer Reply(View view, bool isPrivate)
    {
        var json = BlockKitRenderer.Render(view).ToJson();
        json["response_type"] = isPrivate ? "ephemeral" : "in_channel";
        return SlackAnswer.Json(json);
    }
}
