using TriageBot.Charts;
using TriageBot.Cli;
using TriageBot.Dashboard;
using TriageBot.Delivery;
using TriageBot.Hosting;
using TriageBot.Legal;
using TriageBot.Playground;
using TriageBot.Scheduling;
using TriageBot.Telemetry;

// `TriageBot export|import|backup|restore|help …` runs one command against the server's configuration, then exits.
if (Cli.IsCommand(args))
{
    var settings = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
    using var loggers = LoggerFactory.Create(b => b.AddConfiguration(settings.Configuration.GetSection("Logging"))
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning).AddFilter((_, level) => level >= LogLevel.Warning));
    return await Cli.RunAsync(args, settings.Configuration, new CliContext { ContentRoot = settings.Environment.ContentRootPath, Loggers = loggers });
}

// The app's own folder holds appsettings.json and wwwroot, whatever folder it was started from.
var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));

builder.AddTelemetry();
builder.AddOperationsTelemetry();
builder.AddTriageStorage();
builder.AddTriageCore();
builder.AddChannels();
builder.AddDelivery();
builder.AddCeremonies();
builder.AddTriageHealth();
builder.AddDashboard();
builder.AddPlayground();
builder.AddLegalPages();
builder.AddTrackers();

var app = builder.Build();

app.UseRequestLog();
app.UseStoreUnavailableAs503();
app.UseRequestMetrics();
app.MapChannels();
app.MapCharts();
app.MapTriageHealth();
app.MapDashboard();
app.MapPlayground();
app.MapLegalPages();
app.MapTrackers();
app.LogListeningAddresses();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
