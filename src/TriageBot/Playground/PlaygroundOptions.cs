namespace TriageBot.Playground;

/// <summary>The <c>Playground</c> section: whether the local playground page and its channel are on.</summary>
public sealed class PlaygroundOptions
{
    public const string Section = "Playground";

    /// <summary>On by default in Development, off elsewhere; set <c>Playground:Enabled=true</c> to turn it on in Production (a warning is logged).</summary>
    public bool? Enabled { get; set; }

    public bool IsEnabled(IHostEnvironment environment) => Enabled ?? environment.IsDevelopment();
}
