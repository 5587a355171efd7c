using System.Diagnostics.Metrics;
using TriageBot.Core.Items;

namespace TriageBot.Core.Telemetry;

/// <summary>
/// TriageBot's own instruments on the <c>TriageBot</c> meter. Core, the channels and the host count through it;
/// exporting is the host's business. Tag values are small closed sets so they never explode a backend's series.
/// </summary>
public sealed class TriageMetrics : IDisposable
{
    public const string MeterName = "TriageBot";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _votes;
    private readonly Counter<long> _itemsCreated;
    private readonly Counter<long> _deliveryFailures;
    private readonly Counter<long> _ceremoniesPosted;
    private readonly bool _ownsMeter;

    /// <summary>With a meter factory (the host's), so each host in a test process has its own meter.</summary>
    public TriageMetrics(IMeterFactory meterFactory)
        : this(meterFactory?.Create(MeterName) ?? throw new ArgumentNullException(nameof(meterFactory)), ownsMeter: false)
    {
    }

    /// <summary>Without a factory (tools, tests): the metrics own their meter.</summary>
    public TriageMetrics()
        : this(new Meter(MeterName), ownsMeter: true)
    {
    }

    private TriageMetrics(Meter meter, bool ownsMeter)
    {
        Meter = meter;
        _ownsMeter = ownsMeter;
        _requests = meter.CreateCounter<long>("triagebot.requests", "{request}", "Inbound requests per channel.");
        _refusals = meter.CreateCounter<long>("triagebot.verification.refusals", "{request}", "Inbound requests refused by signature or token verification, by reason.");
        _votes = meter.CreateCounter<long>("triagebot.votes", "{vote}", "Scoring votes cast (a changed vote counts again).");
        _itemsCreated = meter.CreateCounter<long>("triagebot.items.created", "{item}", "Backlog items created from chat or by import.");
        _deliveryFailures = meter.CreateCounter<long>("triagebot.delivery.failures", "{message}", "Outbox deliveries that failed: retried later (permanent=false) or given up (permanent=true).");
        _ceremoniesPosted = meter.CreateCounter<long>("triagebot.ceremonies.posted", "{post}", "Ceremony occurrences posted, late or on time.");
    }

    /// <summary>The meter, for instruments the host adds (the outbox depth gauge).</summary>
    public Meter Meter { get; }

    public void RequestReceived(string channel, string kind) =>
        _requests.Add(1, new("channel", channel), new("kind", kind));

    public void VerificationRefused(string channel, string reason) =>
        _refusals.Add(1, new("channel", channel), new("reason", reason));

    public void VoteCast(WorkStream stream) =>
        _votes.Add(1, new KeyValuePair<string, object?>("stream", Name(stream)));

    public void ItemCreated(WorkStream stream, string source) =>
        _itemsCreated.Add(1, new("stream", Name(stream)), new("source", source));

    public void DeliveryFailed(Platform platform, bool permanent) =>
        _deliveryFailures.Add(1, new("platform", platform.ToString().ToLowerInvariant()), new("permanent", permanent));

    public void CeremonyPosted(Ceremonies.CeremonyKind ceremony, bool late) =>
        _ceremoniesPosted.Add(1, new("ceremony", ceremony.ToString()), new("late", late));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private static string Name(WorkStream stream) => stream.ToString().ToLowerInvariant();
}
