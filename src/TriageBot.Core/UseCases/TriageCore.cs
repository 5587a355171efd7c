using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// Core composed: the use cases over one shared context, and the services the host registers, each its own object —
/// the conversation channels call, the live-view resolver the delivery worker calls, the ceremony poster the
/// scheduler calls, and the report builder charts read. Every handler is registered here, in one place.
/// </summary>
public sealed class TriageCore
{
    public TriageCore(ITriageStore store, TimeProvider time, ConversationOptions options, IOutboxSignal? signal = null, Telemetry.TriageMetrics? metrics = null, TrackerServices? trackers = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        var context = new UseCaseContext(store, time, options, signal, metrics);
        var ballots = new Ballots(context);
        var changes = new ItemChanges(context, ballots);
        Reports = new ReportBuilder(context);
        var clinics = new Clinics(context, Reports, ballots);
        var sweeps = new Sweeps(context, changes, Reports);
        Conversation = new ConversationRouter(context,
        [
            new ItemUseCases(context, changes),
            new IntakeUseCases(context, changes),
            new MergeUseCases(context),
            new ScoringUseCases(context, ballots),
            new GreetingUseCases(),
            new PersonalBallots(context, ballots),
            new SetupUseCases(context),
            new ReportUseCases(context, clinics, sweeps),
            new ScheduleUseCases(context),
            new WipUseCases(context, changes),
            sweeps,
            new TrackerUseCases(context, trackers),
        ]);
        Views = new LiveViewResolver(context, ballots, Reports, sweeps);
        Ceremonies = new CeremonyPoster(context, clinics, Reports, sweeps);
        // Homes (Slack's App Home): refreshed after each request that may change them, built when their live view is sent.
        var homes = new HomeUseCases(context);
        Homes = homes;
        Conversation = new HomeRefreshingConversation(Conversation, homes);
        Views = new HomeViewResolver(Views, homes);
        Finder = new ItemFinder(context);
        HomeWatch = new HomeWatch(context, homes);
    }

    /// <summary>Refreshes homes for what changes outside requests (the scheduler, the CLI, tracker webhooks), on the host's timer.</summary>
    public HomeWatch HomeWatch { get; }

    /// <summary>People's homes (Slack's App Home tab): opened by the channel, built and refreshed here.</summary>
    public IHomes Homes { get; }

    /// <summary>The one entry point every channel calls.</summary>
    public IConversation Conversation { get; }

    /// <summary>Resolves live views (ballots, reports) when the delivery worker sends them.</summary>
    public IViewResolver Views { get; }

    /// <summary>Posts ceremonies, reminders, clinic summaries and nudges for the scheduler.</summary>
    public ICeremonyPoster Ceremonies { get; }

    /// <summary>Builds reports from storage (the allocation chart reads its review here).</summary>
    public ReportBuilder Reports { get; }

    /// <summary>Finds items for the Teams search message extension and unfurls this app's links (Teams and Slack).</summary>
    public ItemFinder Finder { get; }
}
