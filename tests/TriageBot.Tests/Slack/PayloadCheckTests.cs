using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Slack.Tests;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Every Block Kit payload the bot sent during the flows, checked against <c>@slack/types</c> in one tsc run.</summary>
public sealed class PayloadCheckTests
{
    [Fact]
    public async Task EveryMessageAndModalSentDuringTheFlows_CompilesAgainstSlackTypes()
    {
        // Every redraw of a ballot is checked too: none is held back to show several votes at once.
        await using var h = await SlackHost.StartAsync(b => b.UseSetting("Delivery:LiveUpdateInterval", "00:00:00"));

        // Setup, roles, a bug, a clinic with votes, reveal and finalize.
        await ClinicFlow.RunAsync(h);
        // A feature (capability-note request), a form refused, a message reported, help, rubric, a list and a report.
        await ReportAsync(h, Ada, "feature", "Bulk refunds", new Dictionary<string, string?> { ["successMetric"] = "Refund time -50%" });
        var opened = h.Api.CallsTo("views.open").Count;
        await h.CommandAsync(Members[0], "new model");
        var model = await h.OpenedModalAsync(opened + 1);
        (await JsonBody(await h.SubmitAsync(Members[0], model, new Dictionary<string, string?> { ["title"] = "x" })))!["response_action"]!.ToString().ShouldBe("errors");
        (await h.ReportMessageAsync(Members[1], "1712345678.000300", "Latency doubled after deploy")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await h.SubmitAsync(Members[1], await h.OpenedModalAsync(opened + 2));
        foreach (var command in new[] { "help", "rubric", "list", "show TRI-1", "new", "frobnicate", "report weekly", "report allocation", "report icebox" })
        {
            (await h.CommandAsync(Ada, command)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // A report command answers in one post: "Preparing…" is updated into the report.
        await h.WaitForAsync("chat.update", c => Mentions(c, "Weekly stream review"), "the weekly report");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");

        var constants = Constants(h);

        // The flows produced every kind of payload they should have; an empty check would prove nothing.
        var methods = ClinicFlow.BlockKitCalls(h.Api).Select(c => c.Method).ToHashSet();
        methods.ShouldBe(["chat.postMessage", "chat.update", "chat.postEphemeral", "views.open"], ignoreOrder: true);
        // The three report commands answer in one channel post (checked above as chat.postMessage + chat.update), not in the reply.
        h.CommandReplies.Count.ShouldBeGreaterThanOrEqualTo(6);
        constants.Count.ShouldBeGreaterThan(40);

        await ShouldAllCompileAsync(constants);
    }

    /// <summary>Every message and modal the bot sent through the fake Slack API, and every command reply, as typed constants.</summary>
    internal static List<string> Constants(SlackHost h)
    {
        var constants = new List<string>();
        var n = 0;
        foreach (var call in ClinicFlow.BlockKitCalls(h.Api).Where(c => c.Status == 200))
        {
            constants.Add(call.Method.StartsWith("views.", StringComparison.Ordinal)
                ? BlockKitTypeCheck.Modal($"{Name(call.Method)}_{n++}", call.Json["view"]!.AsObject())
                : BlockKitTypeCheck.Message($"{Name(call.Method)}_{n++}", Message(call)));
        }

        foreach (var reply in h.CommandReplies)
        {
            constants.Add(BlockKitTypeCheck.Message($"commandReply_{n++}", new JsonObject { ["text"] = reply["text"]?.DeepClone(), ["blocks"] = reply["blocks"]?.DeepClone() }));
        }

        return constants;
    }

    /// <summary>Compiles the payloads against Slack's published Block Kit types; fails with tsc's errors.</summary>
    internal static async Task ShouldAllCompileAsync(List<string> constants)
    {
        var (code, output) = await BlockKitTypeCheck.CompileAsync(constants);
        code.ShouldBe(0, "tsc found Block Kit errors:\n" + output);
    }

    private static string Name(string method) => method.Replace(".", "_", StringComparison.Ordinal);
}
