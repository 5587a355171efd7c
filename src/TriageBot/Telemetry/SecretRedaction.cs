using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace TriageBot.Telemetry;

/// <summary>
/// Dashboard and chart links carry their secret in the path (<c>/d/{token}</c>, <c>/charts/{token}.png</c>), so no span
/// and no log line may carry a request path. Spans record the route template instead (<see cref="PathRedactor"/>);
/// the framework loggers that print paths are capped above the levels where they do (<see cref="LogCaps"/>), whatever
/// the configuration says; <see cref="UseRequestLog"/> writes the request log with the route template.
/// </summary>
public static partial class SecretRedaction
{
    /// <summary>
    /// Framework log categories that print the request path, and the lowest level they may log at here:
    /// hosting's "Request starting/finished GET /d/…" (Information) and its request scope, which puts
    /// <c>RequestPath=/d/…</c> on every line logged during a request for any provider that writes scopes (off entirely:
    /// hosting only opens the scope when this category is on), the route matcher's and static files'
    /// "request path '/d/…'" (Debug), Kestrel's bad-request text (Debug).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, LogLevel> LogCaps = new Dictionary<string, LogLevel>(StringComparer.Ordinal)
    {
        ["Microsoft.AspNetCore.Hosting.Diagnostics"] = LogLevel.None,
        ["Microsoft.AspNetCore.Routing"] = LogLevel.Information,
        ["Microsoft.AspNetCore.StaticFiles"] = LogLevel.Information,
        ["Microsoft.AspNetCore.Server.Kestrel"] = LogLevel.Information,
        ["Microsoft.AspNetCore.HttpLogging"] = LogLevel.None,
        ["Microsoft.AspNetCore.W3CLogging"] = LogLevel.None,
    };

    /// <summary>The category of <see cref="UseRequestLog"/>'s lines, at Debug: <c>Logging:LogLevel:TriageBot.Requests=Debug</c> turns them on.</summary>
    public const string RequestLogCategory = "TriageBot.Requests";

    public static WebApplicationBuilder AddSecretRedaction(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, CapPathLoggers>();
        return builder;
    }

    /// <summary>Adds the span processor that replaces paths by route templates; add it before any exporter.</summary>
    public static TracerProviderBuilder AddPathRedaction(this TracerProviderBuilder tracing) => tracing.AddProcessor(new PathRedactor());

    /// <summary>One line per request, at Debug, naming the route template, never the path.</summary>
    public static WebApplication UseRequestLog(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogCategory);
        app.Use(async (http, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Debug))
            {
                await next(http);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var failed = true;
            try
            {
                await next(http);
                failed = false;
            }
            finally
            {
                // An exception leaves the status unset (200) until the server answers 500.
                var status = failed ? StatusCodes.Status500InternalServerError : http.Response.StatusCode;
                LogRequest(logger, http.Request.Method, SafePath(http), status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        return app;
    }

    /// <summary>What may be recorded of a request's path: its route template, or the path with any token replaced.</summary>
    public static string SafePath(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.GetEndpoint() is RouteEndpoint route && route.RoutePattern.RawText is { } template)
        {
            return Template(template);
        }

        return Redact(http.Request.PathBase + http.Request.Path);
    }

    /// <summary>A route pattern as recorded: leading slash, no trailing one, constraints kept (<c>/d/{token}/items/{number:int}</c>).</summary>
    public static string Template(string rawText)
    {
        ArgumentNullException.ThrowIfNull(rawText);
        var template = rawText.StartsWith('/') ? rawText : "/" + rawText;
        // A group's own route ("/d/{token}" + "") is "/d/{token}/".
        return template.Length > 1 ? template.TrimEnd('/') : template;
    }

    /// <summary>A path with the token segment of dashboard and chart links replaced (for requests no route matched).</summary>
    public static string Redact(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        path = DashboardPath().Replace(path, "/d/{token}");
        return ChartPath().Replace(path, "/charts/{token}");
    }

    [GeneratedRegex(@"^/d/[^/]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DashboardPath();

    [GeneratedRegex(@"^/charts/[^/]*?(?=\.png$|$|/)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChartPath();

    [LoggerMessage(EventId = 710, Level = LogLevel.Debug, Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double elapsedMs);

    /// <summary>
    /// Replaces every path-bearing tag of a server span (<c>url.path</c>, <c>url.full</c>, and the older <c>http.target</c>,
    /// <c>http.url</c>) with the route template, or the redacted path when no route matched. Runs at the end of the span,
    /// before the exporters (they are added after it).
    /// </summary>
    public sealed class PathRedactor : BaseProcessor<Activity>
    {
        private static readonly string[] PathTags = ["url.path", "http.target"];
        private static readonly string[] UrlTags = ["url.full", "http.url"];

        public override void OnEnd(Activity data)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (data.Kind != ActivityKind.Server)
            {
                return;
            }

            var route = data.GetTagItem("http.route") as string;
            foreach (var tag in PathTags)
            {
                if (data.GetTagItem(tag) is string path)
                {
                    data.SetTag(tag, route is { Length: > 0 } ? Template(route) : Redact(path));
                }
            }

            foreach (var tag in UrlTags)
            {
                if (data.GetTagItem(tag) is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    var safe = route is { Length: > 0 } ? Template(route) : Redact(uri.AbsolutePath);
                    data.SetTag(tag, $"{uri.Scheme}://{uri.Authority}{safe}");
                }
            }

            if (data.DisplayName.Contains("/d/", StringComparison.OrdinalIgnoreCase) || data.DisplayName.Contains("/charts/", StringComparison.OrdinalIgnoreCase))
            {
                var space = data.DisplayName.IndexOf(' ', StringComparison.Ordinal);
                data.DisplayName = space < 0 ? Redact(data.DisplayName) : data.DisplayName[..(space + 1)] + (route is { Length: > 0 } ? Template(route) : Redact(data.DisplayName[(space + 1)..]));
            }
        }
    }

    /// <summary>
    /// Appends, after the configuration's rules, a cap for each path-printing category: for all providers and again for
    /// each provider the configuration names (a provider-specific rule would otherwise win), and raises any configured
    /// rule below a cap to it. Configuration can lower these loggers further, never open them up.
    /// </summary>
    internal sealed class CapPathLoggers : IPostConfigureOptions<LoggerFilterOptions>
    {
        public void PostConfigure(string? name, LoggerFilterOptions options)
        {
            var providers = options.Rules.Select(r => r.ProviderName).Where(p => p is not null).Distinct(StringComparer.Ordinal).ToList();
            for (var i = 0; i < options.Rules.Count; i++)
            {
                var rule = options.Rules[i];
                if (rule.CategoryName is not { } category)
                {
                    continue;
                }

                foreach (var (capped, minimum) in LogCaps)
                {
                    if (category.StartsWith(capped, StringComparison.OrdinalIgnoreCase) && (rule.LogLevel ?? LogLevel.Trace) < minimum)
                    {
                        options.Rules[i] = new LoggerFilterRule(rule.ProviderName, rule.CategoryName, minimum, rule.Filter);
                    }
                }
            }

            foreach (var (category, minimum) in LogCaps)
            {
                foreach (var provider in providers.Prepend(null))
                {
                    var configured = Configured(options, provider, category);
                    options.Rules.Add(new LoggerFilterRule(provider, category, configured > minimum ? configured : minimum, null));
                }
            }
        }

        /// <summary>The level the configuration gives <paramref name="category"/> for <paramref name="provider"/>
        /// (null: the rules for every provider), chosen as the logging library does: provider-specific first, then the
        /// longest category prefix, then the last rule.</summary>
        private static LogLevel Configured(LoggerFilterOptions options, string? provider, string category)
        {
            LoggerFilterRule? best = null;
            foreach (var rule in options.Rules)
            {
                if (rule.ProviderName is not null && !string.Equals(rule.ProviderName, provider, StringComparison.Ordinal))
                {
                    continue;
                }

                if (rule.CategoryName is not null && !category.StartsWith(rule.CategoryName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (best is null
                    || (best.ProviderName is null && rule.ProviderName is not null)
                    || ((best.ProviderName is null) == (rule.ProviderName is null) && (rule.CategoryName?.Length ?? 0) >= (best.CategoryName?.Length ?? 0)))
                {
                    best = rule;
                }
            }

            return best?.LogLevel ?? options.MinLevel;
        }
    }
}
