using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Conversation;
using TriageBot.Tests.Hostile;
using static TriageBot.Tests.Hostile.SlackWire;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// Work that outlives its request (an event still being handled after its 503) stops cleanly with the host: it is
/// cancelled and awaited before the store and the container are disposed, and the event is left for Slack's retry.
/// </summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-shutdown-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Holds every command containing "hold" until its handling is cancelled, as a slow store call or Slack call would be.</summary>
    private sealed class HoldingConversation(IConversation inner) : IConversation
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
        {
            if (interaction.Intent is CommandIntent { Text: var text } && text.Contains("hold", StringComparison.Ordinal))
            {
                Entered.TrySetResult();
                await new TaskCompletionSource().Task.WaitAsync(ct);
            }

            return await inner.HandleAsync(interaction, ct);
        }
    }

    [Fact]
    public async Task An_event_still_handled_in_the_background_when_the_host_stops_is_cancelled_and_awaited_and_left_for_the_retry_without_an_error()
    {
        var logs = new LogCapture();
        var path = Path.Combine(_folder, "triagebot.db");
        HoldingConversation? holding = null;
        var h = await SlackHost.StartAsync(b =>
        {
            b.UseSetting("Storage:SqlitePath", path);
            b.UseSetting("Slack:EventAckBudget", "00:00:00.200");
            b.ConfigureLogging(l => l.AddProvider(logs));
            b.ConfigureTestServices(s => s.AddSingleton<IConversation>(sp => holding = new HoldingConversation(sp.GetRequiredService<TriageBot.Core.UseCases.TriageCore>().Conversation)));
        });
        try
        {
            await SetUpChannelAsync(h);
            (await h.EventAsync(Mention("EvSTOP1", Ada, "hold weekly"))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "still running at the budget");
            await holding!.Entered.Task;
        }
        finally
        {
            await h.DisposeAsync();
        }

        // By the time the host is gone, the handling has ended and forgotten the event (so Slack's retry is handled by the
        // next instance); nothing ran against a disposed store, and stopping is not an error.
        await using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        await c.OpenAsync(TestContext.Current.CancellationToken);
        using var inbox = c.CreateCommand();
        inbox.CommandText = "SELECT count(*) FROM inbox WHERE delivery_id = 'EvSTOP1'";
        ((long)(await inbox.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBe(0, "the event is forgotten before the store closes");
        logs.Errors.Select(e => $"{e.Category}: {e.Message} {e.Exception?.GetType().Name}").ShouldBeEmpty();
    }
}
