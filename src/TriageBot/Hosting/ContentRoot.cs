namespace TriageBot.Hosting;

/// <summary>
/// Where the host finds <c>appsettings.json</c> and <c>wwwroot</c>. ASP.NET Core uses the working folder, so
/// <c>dotnet /srv/triagebot/TriageBot.dll</c> started from another folder ran without its settings (every request logged
/// at Information, the Teams and storage settings missing) and served the dashboard unstyled.
/// </summary>
public static class ContentRoot
{
    /// <summary>The host's options: the app's own folder as content root unless one was chosen (see <see cref="Choose"/>).</summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = Choose(args, Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory(), AppContext.BaseDirectory),
    };

    /// <summary>
    /// Null (the host's default, the working folder) when a content root is configured (<c>--contentRoot</c>,
    /// <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>) or the working folder holds an <c>appsettings.json</c>
    /// (<c>dotnet run</c> in the project, the published folder); otherwise the folder of the app's dll.
    /// </summary>
    public static string? Choose(IReadOnlyList<string> args, Func<string, string?> environment, string workingFolder, string appFolder)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(environment("ASPNETCORE_CONTENTROOT")) || !string.IsNullOrWhiteSpace(environment("DOTNET_CONTENTROOT")))
        {
            return null;
        }

        if (args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return File.Exists(Path.Combine(workingFolder, "appsettings.json")) ? null : appFolder;
    }
}
