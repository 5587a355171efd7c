using TriageBot.Dashboard;
using TriageBot.Delivery;
using TriageBot.Hosting;
using TriageBot.Playground;
using TriageBot.Scheduling;

var builder = WebApplication.CreateBuilder(args);

builder.AddTriageStorage();
builder.AddTriageCore();
builder.AddChannels();
builder.AddDelivery();
builder.AddCeremonies();
builder.AddTriageHealth();
builder.AddDashboard(); builder.AddPlayground();

var app = builder.Build();

app.UseStoreUnavailableAs503();
app.MapChannels();
app.MapTriageHealth();
app.MapDashboard(); app.MapPlayground();
app.LogListeningAddresses();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
