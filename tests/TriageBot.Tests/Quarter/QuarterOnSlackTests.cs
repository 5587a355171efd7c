using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Ports;
using TriageBot.Delivery;
using TriageBot.Scheduling;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Quarter;

/// <summary>
/// The quarter (<see cref="QuarterScript"/>) on Slack: every human step a signed request to the real host — slash commands,
/// <c>block_actions</c> on the posted ballots and sweep, <c>view_submission</c> of the modals they open — on a test clock, and
/// everything the bot says read back from the fake Slack API (<c>chat.postMessage</c>, <c>chat.update</c>, <c>views.open</c>).
/// </summary>
public sealed class QuarterOnSlackTests : IQuarterTeam, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(QuarterScript.Created.AddHours(-1));
    private SlackHost _h = null!;

    [Fact]
    public async Task AQuarterOnSlack_SixClinics_AnItemLeftUnscoredTwice_TheReadyQueueReScored_WipRefusedThenOverridden_AllocationPublished_AndBothSweepsEndResolved()
    {
        await QuarterScript.LiveAsync(this);
        // Every message and modal of the quarter (closed ballots, decided sweeps included) is valid Block Kit.
        await PayloadCheckTests.ShouldAllCompileAsync(PayloadCheckTests.Constants(_h));
    }

    public async ValueTask InitializeAsync()
    {
        _h = await SlackHost.StartAsync(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(_time);
            // The test delivers explicitly (DrainAsync), so what it reads is everything the bot sent for a step.
            s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is Func<IServiceProvider, DeliveryWorker>));
        }));
        _h.SignAt = _time.GetUtcNow;
        _h.Api.Clock = _time.GetUtcNow;
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    public ITriageStore Store => _h.Store;

    public string BacklogId => SlackFlows.BacklogId;

    private static SlackPerson Person(Who who) => who switch
    {
        Who.Facilitator => Ada,
        Who.Engineer1 => Eli,
        Who.Engineer2 => Members[0],
        _ => Members[1],
    };

    public string Name(Who who) => Person(who).Name;

    async Task IQuarterTeam.SetUpAsync(DateTimeOffset at)
    {
        _time.SetUtcNow(at);
        await SetUpChannelAsync(_h, timeZone: "Etc/UTC");
        foreach (var engineer in new[] { Eli, Members[0] })
        {
            (await SayAsync(Who.Facilitator, $"role <@{engineer.Id}|{engineer.Name}> engineer")).ShouldContain($"{engineer.Name} is now an engineer");
        }
    }

    async Task IQuarterTeam.TickAsync(DateTimeOffset at)
    {
        if (at > _time.GetUtcNow())
        {
            _time.SetUtcNow(at);
        }

        await _h.Services.GetRequiredService<CeremonyScheduler>().TickAsync(CancellationToken.None);
        await DrainAsync();
    }

    public async Task<string> SayAsync(Who who, string text)
    {
        var before = _h.Api.Calls.Count;
        using var response = await _h.CommandAsync(Person(who), text);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        await DrainAsync();
        var said = _h.Api.Calls.Skip(before).Where(c => c.Status == 200 && c.Method is "chat.postMessage" or "chat.postEphemeral" or "chat.update")
            .Select(c => TextOf(c.Json["blocks"]) + (string?)c.Json["text"]);
        return string.Join("\n", said.Prepend(body.StartsWith('{') ? TextOf(JsonNode.Parse(body)) : body));
    }

    public async Task<string> CommandFormAsync(Who who, string text, IReadOnlyDictionary<string, string> values)
    {
        var opened = _h.Api.CallsTo("views.open").Count;
        (await _h.CommandAsync(Person(who), text)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return await SubmitAsync(who, await _h.OpenedModalAsync(opened + 1), values);
    }

    public IReadOnlyList<ChannelMessage> Messages => [.. Posts().Select(p => new ChannelMessage(p.Ts, TextOf(p.Message["blocks"]),
        [.. Buttons(p.Message).Select(b => global::TriageBot.Slack.Blocks.ActionIdCodec.Strip((string)b["action_id"]!))]))];

    async Task IQuarterTeam.PressAsync(Who who, ChannelMessage on, string actionId, string? arg)
    {
        var post = Posts().Single(p => p.Ts == on.Id);
        using var response = await _h.PressAsync(Person(who), post.Message, post.Ts, actionId, post.Thread, value: arg);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await DrainAsync();
    }

    public async Task<string> FormAsync(Who who, ChannelMessage on, string actionId, string? arg, IReadOnlyDictionary<string, string> values)
    {
        var post = Posts().Single(p => p.Ts == on.Id);
        var opened = _h.Api.CallsTo("views.open").Count;
        using var response = await _h.PressAsync(Person(who), post.Message, post.Ts, actionId, post.Thread, value: arg);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await SubmitAsync(who, await _h.OpenedModalAsync(opened + 1), values);
    }

    private async Task<string> SubmitAsync(Who who, JsonObject modal, IReadOnlyDictionary<string, string> values)
    {
        using var submitted = await _h.SubmitAsync(Person(who), modal, values.ToDictionary(v => v.Key, v => (string?)v.Value));
        submitted.StatusCode.ShouldBe(HttpStatusCode.OK);
        var confirmed = Confirmed(await JsonBody(submitted));
        await DrainAsync();
        return confirmed;
    }

    /// <summary>Every message posted in the channel (or its threads), by its ts, with its latest <c>chat.update</c> applied.</summary>
    private List<(string Ts, string? Thread, JsonObject Message)> Posts()
    {
        var posts = new List<(string Ts, string? Thread, JsonObject Message)>();
        foreach (var call in _h.Api.Calls.Where(c => c.Status == 200))
        {
            if (call.Method == "chat.postMessage" && Str(call, "channel") == Channel && call.AnsweredTs is { } ts)
            {
                posts.Add((ts, Str(call, "thread_ts"), Message(call)));
            }
            else if (call.Method == "chat.update" && posts.FindIndex(p => p.Ts == Str(call, "ts")) is var i and >= 0)
            {
                posts[i] = posts[i] with { Message = Message(call) };
            }
        }

        return posts;
    }

    /// <summary>Runs the delivery worker until two rounds in a row find nothing due, a few fake seconds before each.</summary>
    private async Task DrainAsync()
    {
        var worker = _h.Services.GetRequiredService<DeliveryWorker>();
        var idle = 0;
        for (var round = 0; round < 200 && idle < 2; round++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            idle = await worker.DrainOnceAsync(CancellationToken.None) == 0 ? idle + 1 : 0;
        }

        idle.ShouldBe(2, "the outbox kept producing work for 200 rounds");
    }
}
