using Microsoft.Extensions.Options;
using TriageBot.Delivery;
using TriageBot.Scheduling;

namespace TriageBot.Hosting;

/// <summary>Top-level settings of the host itself (not of a channel or the store).</summary>
public sealed class HostSettings
{
    /// <summary>The app's public base URL, for links in messages and the dashboard. Optional.</summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>Start-up checks of the host's own settings; every message names the setting and how to fix it.</summary>
public sealed class HostSettingsValidator : IValidateOptions<HostSettings>
{
    public ValidateOptionsResult Validate(string? name, HostSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = CheckPublicBaseUrl(options.PublicBaseUrl);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
    }

    /// <summary>Null when the URL is fine (or unset); otherwise what is wrong and how to fix it.</summary>
    public static string? CheckPublicBaseUrl(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"PublicBaseUrl '{value}' is not an absolute URL. Set it to the app's public https address, e.g. https://<app>.azurewebsites.net " +
                   "or your dev tunnel URL, or remove it (messages then carry no links).";
        }

        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            return uri.Query.Length > 0 || uri.Fragment.Length > 0
                ? $"PublicBaseUrl '{value}' must not have a query or fragment: use only the scheme, host and optional path, e.g. https://triagebot.example.com."
                : null;
        }

        return uri.Scheme == Uri.UriSchemeHttp
            ? $"PublicBaseUrl '{value}' uses http: people open these links from chat, so use https (plain http is allowed only for 127.0.0.1 or localhost)."
            : $"PublicBaseUrl '{value}' must start with https:// (it is '{uri.Scheme}').";
    }
}

/// <summary>Checks the <c>Delivery</c> section.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Delivery:PollInterval '{options.PollInterval}' must be more than 0 and at most 00:10:00; the usual value is 00:00:05.");
        }

        if (options.LeaseFor < TimeSpan.FromSeconds(5))
        {
            failures.Add($"Delivery:LeaseFor '{options.LeaseFor}' must be at least 00:00:05, longer than one send takes; the default is 00:01:00.");
        }

        if (options.BatchSize is < 1 or > 500)
        {
            failures.Add($"Delivery:BatchSize {options.BatchSize} must be between 1 and 500; the default is 20.");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add($"Delivery:MaxAttempts {options.MaxAttempts} must be at least 1; the default is 12.");
        }

        if (options.LiveUpdateInterval < TimeSpan.Zero || options.LiveUpdateInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Delivery:LiveUpdateInterval '{options.LiveUpdateInterval}' must be between 00:00:00 and 00:01:00; the default is 00:00:01.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks the <c>Ceremonies</c> section.</summary>
public sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Tick <= TimeSpan.Zero || options.Tick > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Ceremonies:Tick '{options.Tick}' must be more than 0 and at most 00:05:00, or posts go out late; the default is 00:00:30.");
        }

        if (options.LookBack < options.Tick)
        {
            failures.Add($"Ceremonies:LookBack '{options.LookBack}' must be at least Ceremonies:Tick, or occurrences between two ticks are missed; the default is 3.00:00:00.");
        }

        if (options.Grace < TimeSpan.Zero)
        {
            failures.Add($"Ceremonies:Grace '{options.Grace}' must not be negative; the default is 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Warnings about settings that work but are probably not what the operator wants.</summary>
public static partial class StartupWarnings
{
    /// <summary>The warnings for this configuration and environment, as sentences.</summary>
    public static IReadOnlyList<string> For(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var warnings = new List<string>();
        if (environment.IsProduction() && configuration.GetValue<bool?>("Playground:Enabled") == true)
        {
            warnings.Add("Playground:Enabled is true in Production: anyone who reaches /playground can act as any sample person. " +
                         "Set Playground__Enabled=false unless this is a demo deployment.");
        }

        return warnings;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void Log(ILogger logger, string warning);
}
