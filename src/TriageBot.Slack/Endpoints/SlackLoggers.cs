using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// The Slack endpoints' loggers, created once per logger factory: <see cref="ILoggerFactory.CreateLogger"/> takes the
/// factory's lock on every call, and the endpoints asked for a logger twice per request.
/// </summary>
internal static class SlackLoggers
{
    private static readonly ConditionalWeakTable<ILoggerFactory, Loggers> Cache = [];

    public static ILogger Interactivity(ILoggerFactory factory) => Of(factory).Interactivity;

    public static ILogger Commands(ILoggerFactory factory) => Of(factory).Commands;

    public static ILogger Events(ILoggerFactory factory) => Of(factory).Events;

    private static Loggers Of(ILoggerFactory factory) => Cache.GetValue(factory, f => new Loggers(
        f.CreateLogger("TriageBot.Slack.Interactivity"), f.CreateLogger("TriageBot.Slack.Commands"), f.CreateLogger("TriageBot.Slack.Events")));

    private sealed record Loggers(ILogger Interactivity, ILogger Commands, ILogger Events);
}
