using TriageBot.Charts;
using TriageBot.Delivery;
using TriageBot.Hosting;
using TriageBot.Scheduling;

var builder = WebApplication.CreateBuilder(args);

builder.AddTriageStorage();
builder.AddTriageCore();
builder.AddChannels();
builder.AddDelivery();
builder.AddCeremonies();
builder.AddTriageHealth();

var app = builder.Build();

app.MapChannels();
app.MapCharts();
app.MapTriageHealth();
app.LogListeningAddresses();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
