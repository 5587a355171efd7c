using Microsoft.Extensions.Options;
using TriageBot.Core.UseCases;
using TriageBot.Slack;

namespace TriageBot.Scheduling;

/// <summary>Settings of the App Home refresh for changes made outside requests (section <c>Homes</c>).</summary>
public sealed class HomeRefreshOptions
{
    /// <summary>Whether the timer runs (tests turn it off and call <see cref="HomeWatch.TickAsync"/>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The debounce window: the timer's pace, and the shortest gap between two refreshes of one person's home.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Runs <see cref="HomeWatch"/> every window while Slack is on: homes change when the scheduler posts clinic ballots or a
/// ceremony, a timebox nears its end, or an item changes through the CLI or a tracker webhook, not only after requests.
/// </summary>
public sealed partial class HomeRefreshService(
    HomeWatch watch, IOptions<HomeRefreshOptions> options, IOptionsMonitor<SlackOptions> slack, TimeProvider time, ILogger<HomeRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        watch.Window = o.Window;
        if (!o.Enabled || !slack.CurrentValue.IsEnabled || o.Window <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(o.Window, time);
        do
        {
            try
            {
                await watch.TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTickFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "Refreshing App Homes failed; it is tried again in the next window")]
    private static partial void LogTickFailed(ILogger logger, Exception e);
}

/// <summary>Registers the App Home refresh.</summary>
public static class HomeRefreshExtensions
{
    public static IServiceCollection AddHomeRefresh(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HomeRefreshOptions>(configuration.GetSection("Homes"));
        services.AddSingleton(sp => sp.GetRequiredService<TriageCore>().HomeWatch);
        services.AddHostedService<HomeRefreshService>();
        return services;
    }
}
