using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using TriageBot.Dashboard;
using TriageBot.Hosting;
using TriageBot.Slack.Tests;

namespace TriageBot.Tests.Hosting;

/// <summary>
/// Issue 14: the real built <c>TriageBot.dll</c>, started as <c>dotnet /path/to/TriageBot.dll</c> from another working
/// folder, finds its <c>appsettings.json</c> (configured log levels) and its <c>wwwroot</c> (the dashboard stylesheet).
/// </summary>
public sealed partial class ContentRootProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-elsewhere-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    /// <summary>The app's own build output, in the configuration the tests were built in.</summary>
    private static string AppDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = Path.Combine(RepoTools.Root, "src", "TriageBot", "bin", configuration, "net10.0", "TriageBot.dll");
            File.Exists(dll).ShouldBeTrue($"{dll} is built with the tests");
            return dll;
        }
    }

    [Fact]
    public async Task TheBuiltApp_StartedFromAnotherFolder_LogsAtTheConfiguredLevels_AndServesTheDashboardStylesheet()
    {
        await using var app = await RunningApp.StartAsync(AppDll, _folder, []);

        using var http = new HttpClient { BaseAddress = app.Url };
        var css = await http.GetAsync(TriageBot.Dashboard.PageFormat.StylesheetPath, TestContext.Current.CancellationToken);
        var output = await app.StopAsync();

        css.StatusCode.ShouldBe(HttpStatusCode.OK, output);
        css.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
        (await css.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("{");
        output.ShouldContain("Application is shutting down", customMessage: "the output was read to the end");
        // appsettings.json has Microsoft.AspNetCore at Warning: its Information lines must not appear.
        output.ShouldNotContain("Microsoft.AspNetCore.Routing.EndpointMiddleware", customMessage: output);
        File.Exists(Path.Combine(_folder, "triagebot.db")).ShouldBeTrue("the store is where the settings put it");
    }

    [Fact]
    public async Task TheControl_AContentRootWithoutTheSettings_LogsEveryRequestAtInformation_AndHasNoStylesheet()
    {
        // The same app pointed explicitly at a folder without appsettings.json or wwwroot: what happened before the fix.
        await using var app = await RunningApp.StartAsync(AppDll, _folder, ["--contentRoot", _folder]);

        using var http = new HttpClient { BaseAddress = app.Url };
        var css = await http.GetAsync(TriageBot.Dashboard.PageFormat.StylesheetPath, TestContext.Current.CancellationToken);
        var output = await app.StopAsync();

        css.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        output.ShouldContain("Microsoft.AspNetCore.Routing.EndpointMiddleware", customMessage: output);
    }

    [Theory]
    [InlineData(true, new string[0], null, null)]
    [InlineData(false, new string[0], null, "/app")]
    [InlineData(false, new[] { "--contentRoot", "/x" }, null, null)]
    [InlineData(false, new[] { "--contentRoot=/x" }, null, null)]
    [InlineData(false, new string[0], "/x", null)]
    public void TheContentRoot_IsTheAppFolder_UnlessChosenOrTheWorkingFolderHasTheSettings(bool workingFolderHasSettings, string[] args, string? environment, string? expected)
    {
        if (workingFolderHasSettings) File.WriteAllText(Path.Combine(_folder, "appsettings.json"), "{}");

        ContentRoot.Choose(args, name => name == "ASPNETCORE_CONTENTROOT" ? environment : null, _folder, "/app").ShouldBe(expected);
    }

    /// <summary>The app as a child process on a free loopback port, its console output kept.</summary>
    private sealed partial class RunningApp : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private RunningApp(Process process)
        {
            _process = process;
        }

        public Uri Url { get; private set; } = null!;

        private string Output => string.Join('\n', _lines);

        public static async Task<RunningApp> StartAsync(string dll, string workingFolder, string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(dll);
            foreach (var arg in args) start.ArgumentList.Add(arg);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            start.Environment["Storage__SqlitePath"] = Path.Combine(workingFolder, "triagebot.db");
            start.Environment["Ceremonies__Enabled"] = "false";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            start.Environment.Remove("ASPNETCORE_CONTENTROOT");
            start.Environment.Remove("DOTNET_CONTENTROOT");
            var process = Process.Start(start)!;
            var app = new RunningApp(process);
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) app._lines.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) app._lines.Enqueue(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (app._lines.Select(l => Listening().Match(l)).FirstOrDefault(m => m.Success) is { } match)
                {
                    app.Url = new Uri(match.Groups[1].Value);
                    return app;
                }

                if (process.HasExited) break;
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            await app.DisposeAsync();
            throw new InvalidOperationException("The app did not start listening:\n" + app.Output);
        }

        /// <summary>Stops it as a service manager would (SIGTERM) and returns everything it printed.</summary>
        public async Task<string> StopAsync()
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(timeout.Token);
            return Output;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
        private static partial Regex Listening();
    }
}
