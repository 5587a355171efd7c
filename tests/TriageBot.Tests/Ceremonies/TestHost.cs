using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Delivery;
using TriageBot.Scheduling;

namespace TriageBot.Tests.Ceremonies;

/// <summary>What the recording channel was asked to deliver, by which host, at that host's (fake) time.</summary>
public sealed record Sent(string Host, OutboxKind Kind, ConversationAddress Target, View View, DateTimeOffset At, string? MessageRef, string PlatformMessageId)
{
    public ReportView? Report => View as ReportView;

    public string Title => View switch
    {
        ReportView r => r.Title,
        BallotView b => "ballot " + b.Item.Key,
        TextView t => t.Title ?? t.Text,
        _ => View.GetType().Name,
    };

    /// <summary>Every line of a report, in order.</summary>
    public IReadOnlyList<string> Lines => Report?.Sections.SelectMany(s => s.Lines).Select(l => l.Text).ToList() ?? [];
}

/// <summary>The deliveries of every host of a test, in order.</summary>
public sealed class SentLog
{
    private readonly ConcurrentQueue<Sent> _sent = new();
    private long _ids;

    public IReadOnlyList<Sent> All => [.. _sent];

    /// <summary>Decides the outcome of a send; null means "delivered".</summary>
    public Func<OutboxMessage, SendResult?>? Script { get; set; }

    internal string NextId() => $"m{Interlocked.Increment(ref _ids)}";

    internal void Add(Sent sent) => _sent.Enqueue(sent);
}

/// <summary>The playground platform's sender, replaced by one that records what it would deliver.</summary>
public sealed class RecordingSender(string host, TimeProvider clock, SentLog log) : IChannelSender
{
    public Platform Platform => Platform.Playground;

    public Task<SendResult> SendAsync(OutboxMessage message, View view, string? existingMessageId, CancellationToken ct)
    {
        if (log.Script?.Invoke(message) is { } scripted)
        {
            return Task.FromResult(scripted);
        }

        var id = existingMessageId ?? log.NextId();
        log.Add(new Sent(host, message.Kind, message.Target, view, clock.GetUtcNow(), message.MessageRef, id));
        return Task.FromResult<SendResult>(new SendSucceeded(id));
    }
}

/// <summary>Keeps the delivery worker asleep between explicit drains, so a test decides when the outbox is delivered.</summary>
internal sealed class NoSignal : IOutboxSignal
{
    public void Notify()
    {
    }
}

/// <summary>
/// One real TriageBot host (<see cref="WebApplicationFactory{Program}"/>) on a <see cref="FakeTimeProvider"/>, with the
/// scheduler's timer off (tests call <see cref="CeremonyScheduler.TickAsync"/>) and the playground channel recorded.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string? _sqliteFile;

    private TestHost(string name, WebApplicationFactory<Program> factory, FakeTimeProvider clock, SentLog log, string? sqliteFile)
    {
        Name = name;
        _factory = factory;
        Clock = clock;
        Log = log;
        _sqliteFile = sqliteFile;
    }

    public string Name { get; }

    public FakeTimeProvider Clock { get; }

    public SentLog Log { get; }

    public IServiceProvider Services => _factory.Services;

    public ITriageStore Store => Services.GetRequiredService<ITriageStore>();

    public CeremonyScheduler Scheduler => Services.GetRequiredService<CeremonyScheduler>();

    public DeliveryWorker Delivery => Services.GetRequiredService<DeliveryWorker>();

    public TriageBot.Core.UseCases.TriageCore Core => Services.GetRequiredService<TriageBot.Core.UseCases.TriageCore>();

    public HttpClient CreateClient() => _factory.CreateClient();

    /// <summary>A host on its own SQLite file.</summary>
    public static TestHost Sqlite(DateTimeOffset start, string? publicBaseUrl = null, SentLog? log = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"triagebot-e2e-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?> { ["Storage:SqlitePath"] = file, ["PublicBaseUrl"] = publicBaseUrl };
        return Start("sqlite", start, settings, log ?? new SentLog(), file);
    }

    /// <summary>A host on Azure Table Storage (Azurite); hosts given the same prefix share one store.</summary>
    public static TestHost Tables(string name, string connectionString, string tablePrefix, DateTimeOffset start, SentLog log) =>
        Start(name, start, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:TablePrefix"] = tablePrefix,
        }, log, null);

    private static TestHost Start(string name, DateTimeOffset start, Dictionary<string, string?> settings, SentLog log, string? sqliteFile)
    {
        var clock = new FakeTimeProvider(start);
        settings["Ceremonies:Enabled"] = "false";
        settings["Ceremonies:InstanceId"] = name;
        settings["Delivery:InstanceId"] = name;
        // The longest poll the settings allow; tests drain explicitly (DrainOnceAsync) and assert on what they drained.
        settings["Delivery:PollInterval"] = "00:10:00";
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                if (value is not null)
                {
                    b.UseSetting(key, value);
                }
            }

            b.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<IOutboxSignal, NoSignal>();
                services.AddSingleton<IChannelSender>(new RecordingSender(name, clock, log));
            });
        });
        var host = new TestHost(name, factory, clock, log, sqliteFile);
        _ = host.Services; // starts the host: storage is initialized before the first test step
        return host;
    }

    /// <summary>Runs a command as <paramref name="actor"/> in <paramref name="place"/>, at this host's time.</summary>
    public Task<Outcome> SayAsync(UserRef actor, ConversationAddress place, string text) =>
        Core.Conversation.HandleAsync(new Interaction(actor, place, new CommandIntent(text), Clock.GetUtcNow()), CancellationToken.None);

    /// <summary>Sets the clock (never backwards).</summary>
    public void SetTime(DateTimeOffset at)
    {
        if (at > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(at);
        }
    }

    /// <summary>Delivers everything queued, on every host given; lets a few fake seconds pass when a post waits for its thread.</summary>
    public static async Task DrainAsync(params TestHost[] hosts)
    {
        for (var round = 0; round < 200; round++)
        {
            var handled = await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Delivery.DrainOnceAsync(CancellationToken.None))));
            if (handled.Sum() > 0)
            {
                continue;
            }

            if (await hosts[0].Store.Outbox.CountPendingAsync(CancellationToken.None) == 0)
            {
                return;
            }

            foreach (var host in hosts)
            {
                host.Clock.Advance(TimeSpan.FromSeconds(3));
            }
        }

        throw new TimeoutException("The outbox did not drain within 200 rounds.");
    }

    public Task DrainAsync() => DrainAsync(this);

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}

/// <summary>Seeds backlogs, people and channels straight into the store, as <c>setup</c> would leave them.</summary>
public static class Seed
{
    public static UserRef Facilitator { get; } = new(Platform.Playground, "pm", "Priya PM");
    public static UserRef Engineer1 { get; } = new(Platform.Playground, "eng1", "Erik Engineer");
    public static UserRef Engineer2 { get; } = new(Platform.Playground, "eng2", "Ellen Engineer");
    public static UserRef Member { get; } = new(Platform.Playground, "mem", "Max Member");

    public static ConversationAddress Channel(string id) => new() { Platform = Platform.Playground, Workspace = "local", ChannelId = id };

    public static async Task<Backlog> BacklogAsync(ITriageStore store, string id, string zone, DateTimeOffset createdAt,
        BacklogSettings? settings = null, params (string ChannelId, ChannelRoles Roles)[] channels)
    {
        var backlog = new Backlog
        {
            Id = id,
            Name = id,
            KeyPrefix = "REP",
            TimeZone = zone,
            CreatedAt = createdAt,
            DashboardToken = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            Settings = settings ?? new BacklogSettings(),
        };
        (await store.Backlogs.TryCreateAsync(backlog, CancellationToken.None)).ShouldBeTrue();
        await store.Members.UpsertAsync(new Member(id, Facilitator, Role.Facilitator), CancellationToken.None);
        await store.Members.UpsertAsync(new Member(id, Engineer1, Role.Engineer), CancellationToken.None);
        await store.Members.UpsertAsync(new Member(id, Engineer2, Role.Engineer), CancellationToken.None);
        await store.Members.UpsertAsync(new Member(id, Member, Role.Member), CancellationToken.None);
        foreach (var (channelId, roles) in channels.Length == 0 ? [($"C-{id}", ChannelRoles.All)] : channels)
        {
            await store.Bindings.UpsertAsync(new Binding { Address = Channel(channelId), BacklogId = id, Roles = roles, ChannelName = channelId }, CancellationToken.None);
        }

        return backlog;
    }
}
