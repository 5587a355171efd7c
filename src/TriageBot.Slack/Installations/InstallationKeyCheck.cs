using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;

namespace TriageBot.Slack.Installations;

/// <summary>
/// At start, with installs to many workspaces on: refuses to start when a stored installation was sealed with a key that is
/// neither <c>Slack:InstallationKey</c> nor one of <c>Slack:PreviousInstallationKeys</c> (a rotation that dropped the old key
/// too early would otherwise lose those workspaces one request at a time). A store that cannot be read is logged, not fatal:
/// the requests then fail on the store as they would anyway.
/// </summary>
internal sealed class InstallationKeyCheck(IServiceProvider services, IOptionsMonitor<SlackOptions> options, ILogger<InstallationKeyCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        if (!o.IsEnabled || !o.IsMultiWorkspace || services.GetService<IInstallationStore>() is not { } store)
        {
            return;
        }

        var cipher = services.GetRequiredService<SlackInstallations>().Cipher;
        SealingReport report;
        try
        {
            report = await InstallationSealing.CheckAsync(store, cipher, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            InstallLog.KeyCheckFailed(logger, e.Message);
            return;
        }

        if (report.HasUnopenable)
        {
            throw new InvalidOperationException(InstallationSealing.Explain(report, cipher));
        }

        var old = report.Rows - report.Current;
        if (old > 0)
        {
            InstallLog.SealedWithPreviousKey(logger, old, report.Rows);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
