using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Storage.Sqlite;

namespace TriageBot.Tests.Conversation;

/// <summary>Core's conversation over a real SQLite file, driven as a channel would, with a fake clock.</summary>
public sealed class ConversationHarness : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"triagebot-conv-{Guid.NewGuid():N}.db");

    private ConversationHarness()
    {
        Store = new SqliteTriageStore(_path);
        Core = new TriageBot.Core.UseCases.TriageCore(Store, Clock, new ConversationOptions { PublicBaseUrl = "https://triage.example" });
    }

    public static async Task<ConversationHarness> CreateAsync()
    {
        var harness = new ConversationHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        return harness;
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public SqliteTriageStore Store { get; }

    public TriageBot.Core.UseCases.TriageCore Core { get; }

    public IConversation Conversation => Core.Conversation;

    public static readonly UserRef Priya = new(Platform.Slack, "UPRIYA", "Priya");
    public static readonly UserRef Eli = new(Platform.Slack, "UELI", "Eli");
    public static readonly UserRef Sam = new(Platform.Slack, "USAM", "Sam");
    public static readonly UserRef Jo = new(Platform.Slack, "UJO", "Jo");
    public static readonly UserRef Kim = new(Platform.Slack, "UKIM", "Kim");

    public static ConversationAddress Channel { get; } = new() { Platform = Platform.Slack, Workspace = "T1", ChannelId = "C-TRIAGE" };

    public Task<Outcome> Command(UserRef who, string text, ConversationAddress? where = null) =>
        Conversation.HandleAsync(new Interaction(who, where ?? Channel, new CommandIntent(text), Clock.GetUtcNow()), CancellationToken.None);

    public Task<Outcome> Button(UserRef who, string actionId, string? argument, ConversationAddress? where = null) =>
        Conversation.HandleAsync(new Interaction(who, where ?? Channel, new ButtonIntent(actionId, argument), Clock.GetUtcNow()), CancellationToken.None);

    public Task<Outcome> Submit(UserRef who, FormView form, IReadOnlyDictionary<string, string> changes, ConversationAddress? where = null)
    {
        var values = new Dictionary<string, string>(form.Values, StringComparer.Ordinal);
        foreach (var (k, v) in changes)
        {
            values[k] = v;
        }

        return Conversation.HandleAsync(new Interaction(who, where ?? Channel, new FormSubmitIntent(form.FormId, form.Argument, values), Clock.GetUtcNow()), CancellationToken.None);
    }

    /// <summary>Binds the channel to a new backlog with Priya as facilitator and Eli as engineer.</summary>
    public async Task<string> SetUpAsync()
    {
        var open = (OpenFormOutcome)await Command(Priya, "setup");
        var done = await Submit(Priya, open.Form, new Dictionary<string, string>
        {
            [Forms.SetupName] = "Acme Assistant",
            [Forms.SetupPrefix] = "TRI",
            [Forms.SetupTimeZone] = "Europe/Berlin",
        });
        done.ShouldBeOfType<CloseFormOutcome>();
        (await Command(Priya, "role <@UELI|Eli> engineer")).ShouldBeOfType<ReplyOutcome>();
        var binding = await Store.Bindings.GetAsync(Platform.Slack, "T1", "C-TRIAGE", CancellationToken.None);
        return binding!.BacklogId;
    }

    /// <summary>Reports an item through the intake form and returns it.</summary>
    public async Task<Item> ReportAsync(UserRef who, string stream, string title, IReadOnlyDictionary<string, string>? more = null)
    {
        var open = (OpenFormOutcome)await Command(who, $"new {stream}");
        var values = new Dictionary<string, string>(more ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [FieldIds.Title] = title };
        var outcome = await Submit(who, open.Form, values);
        outcome.ShouldBeOfType<CloseFormOutcome>($"intake should succeed: {Describe(outcome)}");
        var backlogId = (await Store.Bindings.GetAsync(Platform.Slack, "T1", "C-TRIAGE", CancellationToken.None))!.BacklogId;
        Item? last = null;
        await foreach (var i in Store.Items.QueryAsync(new ItemQuery(backlogId), CancellationToken.None))
        {
            last = i;
        }

        return last!;
    }

    public async Task VoteAsync(UserRef who, Item item, int impact, int confidence, int rollback, int delay, string? impactReason = null)
    {
        var open = (OpenFormOutcome)await Button(who, ButtonIds.Vote, $"{item.BacklogId}/{item.Number}");
        var outcome = await Submit(who, open.Form, new Dictionary<string, string>
        {
            [FieldIds.ImpactScore] = impact.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [FieldIds.ConfidenceScore] = confidence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [FieldIds.RollbackScore] = rollback.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [FieldIds.DelayScore] = delay.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [FieldIds.ImpactReason] = impactReason ?? "",
        });
        outcome.ShouldBeOfType<CloseFormOutcome>(Describe(outcome));
    }

    public async Task<Item> GetAsync(Item item) => (await Store.Items.GetAsync(item.BacklogId, item.Number, CancellationToken.None))!.Value;

    public async Task<List<OutboxMessage>> PendingAsync()
    {
        var leased = await Store.Outbox.LeaseAsync("test", Clock.GetUtcNow().AddYears(1), TimeSpan.FromMinutes(1), 500, CancellationToken.None);
        foreach (var m in leased)
        {
            await Store.Outbox.UpdateAsync(m.Value with { LeaseOwner = null, LeaseUntil = null }, m.ETag, CancellationToken.None);
        }

        return [.. leased.Select(m => m.Value)];
    }

    public static string Describe(Outcome outcome) => outcome switch
    {
        ReplyOutcome { View: TextView t } => $"reply: {t.Text}",
        ReplyOutcome { View: HelpView h } => $"help: {h.Error}",
        FormErrorsOutcome f => "form errors: " + string.Join("; ", f.Form.Errors.Select(e => $"{e.Field}: {e.Message}")),
        _ => outcome.GetType().Name,
    };

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(f);
        }

        return ValueTask.CompletedTask;
    }
}
