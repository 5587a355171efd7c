namespace TriageBot.Delivery;

/// <summary>Delivery settings (section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>How often the outbox is polled when nothing wakes the worker.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan LeaseFor { get; set; } = TimeSpan.FromSeconds(60);
    public int BatchSize { get; set; } = 20;
    /// <summary>Attempts before a message that keeps failing transiently is recorded as failed.</summary>
    public int MaxAttempts { get; set; } = 12;
    /// <summary>How long a post may wait for the message whose thread it goes into.</summary>
    public TimeSpan MaxThreadWait { get; set; } = TimeSpan.FromHours(1);
    /// <summary>
    /// A live message (a ballot redrawn after each vote, a home) is updated at most this often by one instance; the votes in
    /// between show together in the next update. Slack allows <c>chat.update</c> about 50 times a minute per workspace.
    /// </summary>
    public TimeSpan LiveUpdateInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Names this instance in leases; defaults to machine name + process id.</summary>
    public string? InstanceId { get; set; }
}
