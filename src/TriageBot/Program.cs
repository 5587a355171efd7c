using TriageBot.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddTriageHealth();

var app = builder.Build();

app.MapTriageHealth();
app.LogListeningAddresses();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
