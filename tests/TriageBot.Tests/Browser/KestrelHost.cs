using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Ports;

namespace TriageBot.Tests.Browser;

/// <summary>
/// The real host on a real loopback port (Kestrel), with its own temporary SQLite file, so a browser and an
/// <see cref="HttpClient"/> talk to it exactly as a person's would.
/// </summary>
public sealed class KestrelHost : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "triagebot-tests", Guid.NewGuid().ToString("N"));
    private readonly string _environment;

    private readonly TimeProvider? _clock;

    public KestrelHost(string environment = "Development", IReadOnlyDictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        _environment = environment;
        _clock = clock;
        Settings = settings ?? new Dictionary<string, string>();
        Directory.CreateDirectory(_directory);
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseAddress { get; }

    public ITriageStore Store => Services.GetRequiredService<ITriageStore>();

    public HttpClient Http() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("Storage:SqlitePath", Path.Combine(_directory, "triagebot.db"));
        builder.UseSetting("Ceremonies:Enabled", "false");
        builder.UseSetting("Delivery:PollInterval", "00:00:00.200");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (_clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_clock));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the OS is cleaned with the temp folder.
        }
    }
}
