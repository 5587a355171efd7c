using TriageBot.Core.Ports;
using TriageBot.Slack;
using TriageBot.Slack.Installations;

namespace TriageBot.Cli;

/// <summary>
/// <c>reseal-installations</c>: after <c>Slack:InstallationKey</c> was rotated (the old key moved to
/// <c>Slack:PreviousInstallationKeys</c>), seals every stored Slack installation again with the new key, so the old key can
/// then be dropped. Rows no configured key opens are named and left as they are (exit 1).
/// </summary>
internal static class ResealInstallations
{
    public static async Task<int> RunAsync(IInstallationStore store, IConfiguration configuration, CliContext context, CancellationToken ct)
    {
        var options = new SlackOptions();
        configuration.GetSection(SlackOptions.SectionName).Bind(options);
        if (TokenCipher.ParseKey(options.InstallationKey) is not { } key)
        {
            await context.Error.WriteLineAsync("Settings: Slack:InstallationKey is not base64 of 32 bytes: set the new key there (and the old one in Slack:PreviousInstallationKeys:0).");
            return ExitCodes.Usage;
        }

        var previous = new List<byte[]>();
        foreach (var (text, i) in options.PreviousInstallationKeys.Select((k, i) => (k, i)))
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (TokenCipher.ParseKey(text) is not { } old)
            {
                await context.Error.WriteLineAsync($"Settings: Slack:PreviousInstallationKeys:{i} is not base64 of 32 bytes.");
                return ExitCodes.Usage;
            }

            previous.Add(old);
        }

        var cipher = new TokenCipher(key, previous);
        var report = await InstallationSealing.ResealAllAsync(store, cipher, ct);
        await context.Out.WriteLineAsync(
            $"{report.Rows} installation(s): {report.Resealed} sealed again with key {cipher.CurrentKeyId}, {report.Current} already were" +
            (report.Changed > 0 ? $", {report.Changed} changed meanwhile (run the command again)" : "") +
            (report.HasUnopenable ? $", {report.Unopenable.Count} not opened" : "") + ".");
        if (report.HasUnopenable)
        {
            await context.Error.WriteLineAsync("Refused: " + InstallationSealing.Explain(report, cipher) + " Not opened: " + string.Join(", ", report.Unopenable) + ".");
            return ExitCodes.Refused;
        }

        return report.Changed > 0 ? ExitCodes.Conflict : ExitCodes.Ok;
    }
}
