using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Slack.Endpoints;

namespace TriageBot.Slack.SocketMode;

/// <summary>
/// Handles one Socket Mode envelope with the same dispatcher as the HTTP endpoints (no signature: the connection is
/// authenticated by the app token) and acknowledges it with its <c>envelope_id</c> and, where Slack accepts one, the
/// answer the HTTP response body would carry. An envelope that arrives again (same id) is acknowledged with the first
/// answer and not handled twice: here by a ledger of recent ids, and across instances by the inbox (events by their
/// <c>event_id</c>, as over HTTP; commands and interactions by their envelope id).
/// </summary>
internal sealed class EnvelopeHandler(IServiceScopeFactory scopes, TimeProvider time, ILogger<EnvelopeHandler> logger)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (Task<SlackAnswer> Answer, DateTimeOffset At)> _recent = new(StringComparer.Ordinal);

    public async Task HandleAsync(SocketModeConnection connection, SocketEnvelope envelope, CancellationToken stopping)
    {
        var watch = Stopwatch.StartNew();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SlackTransport"] = "socket", ["SlackEnvelopeId"] = envelope.Id });
        var now = time.GetUtcNow();
        Forget(now);
        var mine = new TaskCompletionSource<SlackAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = _recent.GetOrAdd(envelope.Id, (mine.Task, now));
        SlackAnswer answer;
        if (entry.Answer != mine.Task)
        {
            SocketLog.DuplicateEnvelope(logger, envelope.Id, envelope.Type);
            answer = await entry.Answer.ConfigureAwait(false);
        }
        else
        {
            try
            {
                answer = await DispatchAsync(envelope, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                SocketLog.EnvelopeFailed(logger, e, envelope.Id, envelope.Type);
                answer = SlackAnswer.Status503;
            }
            catch (OperationCanceledException)
            {
                answer = SlackAnswer.Status503;
            }

            mine.SetResult(answer);
            if (answer.WantsRetry)
            {
                // Not acknowledged: Slack's next delivery of it is handled afresh, as a retried 503 over HTTP is.
                _recent.TryRemove(envelope.Id, out _);
            }
        }

        if (answer.WantsRetry)
        {
            SocketLog.LeftForRetry(logger, envelope.Id, envelope.Type, answer.Status);
            return;
        }

        var ack = new JsonObject { ["envelope_id"] = envelope.Id };
        var payload = envelope.AcceptsResponsePayload ? answer.AckPayload : null;
        if (payload is not null)
        {
            ack["payload"] = payload;
        }

        try
        {
            await connection.SendAsync(ack, stopping).ConfigureAwait(false);
            SocketLog.Acknowledged(logger, envelope.Id, envelope.Type, envelope.RetryAttempt, watch.ElapsedMilliseconds, payload is null ? "" : " with a payload");
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            SocketLog.AckFailed(logger, envelope.Id, e.Message);
        }
    }

    private async Task<SlackAnswer> DispatchAsync(SocketEnvelope envelope, CancellationToken ct)
    {
        await using var services = scopes.CreateAsyncScope();
        var dispatcher = services.ServiceProvider.GetRequiredService<SlackDispatcher>();
        if (envelope.Payload.ValueKind != JsonValueKind.Object)
        {
            return SlackAnswer.BadRequest(logger, $"Socket Mode envelope '{envelope.Type}' without a payload object");
        }

        var bytes = Encoding.UTF8.GetBytes(envelope.Payload.GetRawText());
        switch (envelope.Type)
        {
            case "events_api":
                return await dispatcher.EventAsync(bytes, envelope.RetryAttempt > 0 ? envelope.RetryAttempt.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", ct).ConfigureAwait(false);

            case "slash_commands":
                return await OnceAsync(services.ServiceProvider, envelope, () => dispatcher.CommandAsync(Fields(envelope.Payload), ct), ct).ConfigureAwait(false);

            case "interactive":
                return await OnceAsync(services.ServiceProvider, envelope, () => dispatcher.InteractionAsync(bytes, ct), ct).ConfigureAwait(false);

            default:
                Log.Ignored(logger, "Socket Mode envelope", envelope.Type);
                return SlackAnswer.Ok;
        }
    }

    /// <summary>A command or interaction once across instances: its envelope id recorded in the inbox, forgotten when it is to be retried.</summary>
    private async Task<SlackAnswer> OnceAsync(IServiceProvider services, SocketEnvelope envelope, Func<Task<SlackAnswer>> handle, CancellationToken ct)
    {
        var inbox = services.GetRequiredService<IInbox>();
        var deliveryId = "envelope-" + envelope.Id;
        var at = time.GetUtcNow();
        try
        {
            if (!await inbox.TryRecordAsync(Platform.Slack, deliveryId, at, ct).ConfigureAwait(false))
            {
                SocketLog.DuplicateEnvelope(logger, envelope.Id, envelope.Type);
                return SlackAnswer.Ok;
            }
        }
        catch (StoreUnavailableException)
        {
            return SlackAnswer.StoreUnavailable(logger, envelope.Type);
        }

        var answer = await handle().ConfigureAwait(false);
        if (answer.WantsRetry)
        {
            try
            {
                await inbox.ForgetAsync(Platform.Slack, deliveryId, at, CancellationToken.None).ConfigureAwait(false);
            }
            catch (StoreUnavailableException)
            {
                // The record stays; the retry is then acknowledged as a duplicate, like a retried slash command over HTTP is not retried at all.
            }
        }

        return answer;
    }

    /// <summary>A slash command's payload (a JSON object of the form fields Slack posts over HTTP) as those fields.</summary>
    internal static Dictionary<string, StringValues> Fields(JsonElement payload)
    {
        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var property in payload.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => null,
            };
            if (value is not null)
            {
                // A repeated name counts as repeated, as in a form: the command reader then refuses it.
                fields[property.Name] = fields.TryGetValue(property.Name, out var before) ? StringValues.Concat(before, value) : new StringValues(value);
            }
        }

        return fields;
    }

    private void Forget(DateTimeOffset now)
    {
        if (_recent.Count < 256)
        {
            return;
        }

        foreach (var (id, entry) in _recent)
        {
            if (now - entry.At > Remembered && entry.Answer.IsCompleted)
            {
                _recent.TryRemove(id, out _);
            }
        }
    }
}
