using System.Globalization;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace TriageBot.Legal;

/// <summary>Settings of the <c>/privacy</c> and <c>/terms</c> pages (section <c>Legal</c>).</summary>
public sealed class LegalOptions
{
    /// <summary>Who runs this deployment, as the pages name it.</summary>
    public string Operator { get; set; } = "the organisation that runs this TriageBot";

    /// <summary>How to reach the operator about privacy or the terms: an e-mail address or a URL.</summary>
    public string Contact { get; set; } = "the administrator of your Teams or Slack workspace";

    /// <summary>A folder with your own <c>privacy.html</c> and/or <c>terms.html</c>; the built-in pages stand in for a missing one.</summary>
    public string? TemplateFolder { get; set; }

    /// <summary>The date the pages show as their last update (yyyy-MM-dd); defaults to the date of this build's templates.</summary>
    public string Updated { get; set; } = "2026-12-07";
}

/// <summary>Refuses to start with a template folder that does not exist or a date that is not one.</summary>
internal sealed class LegalOptionsValidator : IValidateOptions<LegalOptions>
{
    public ValidateOptionsResult Validate(string? name, LegalOptions options)
    {
        var failures = new List<string>();
        if (options.TemplateFolder is { Length: > 0 } folder && !Directory.Exists(folder))
        {
            failures.Add($"Legal:TemplateFolder '{folder}' does not exist: create it with your privacy.html and terms.html (copy them from src/TriageBot/Legal/), or remove the setting to use the built-in pages.");
        }

        if (!DateOnly.TryParseExact(options.Updated, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            failures.Add($"Legal:Updated '{options.Updated}' must be a date written yyyy-MM-dd, the day you last changed the pages.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// <c>GET /privacy</c> and <c>GET /terms</c>: the privacy statement and terms of use that the Teams manifest links to
/// (<c>developer.privacyUrl</c>, <c>developer.termsOfUseUrl</c>). Rendered once from an HTML template with
/// <c>{{Operator}}</c>, <c>{{Contact}}</c>, <c>{{PublicBaseUrl}}</c> and <c>{{Updated}}</c> filled in (HTML-encoded).
/// </summary>
public static class LegalPages
{
    public static readonly string[] Pages = ["privacy", "terms"];

    public static WebApplicationBuilder AddLegalPages(this WebApplicationBuilder builder)
    {
        var defaults = new LegalOptions();
        builder.Services.AddOptions<LegalOptions>().Bind(builder.Configuration.GetSection("Legal"))
            // The template writes empty settings when its parameters are empty: those mean "the generic wording".
            .PostConfigure(o =>
            {
                o.Operator = string.IsNullOrWhiteSpace(o.Operator) ? defaults.Operator : o.Operator.Trim();
                o.Contact = string.IsNullOrWhiteSpace(o.Contact) ? defaults.Contact : o.Contact.Trim();
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LegalOptions>, LegalOptionsValidator>();
        return builder;
    }

    public static WebApplication MapLegalPages(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<LegalOptions>>().Value;
        var baseUrl = (app.Configuration["PublicBaseUrl"] ?? "").TrimEnd('/');
        foreach (var page in Pages)
        {
            var html = Render(Template(page, options.TemplateFolder), options, baseUrl);
            app.MapGet($"/{page}", (HttpContext http) =>
            {
                http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                http.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Content(html, "text/html; charset=utf-8");
            }).ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>The template text: the operator's file when there is one, otherwise the built-in page.</summary>
    public static string Template(string page, string? folder)
    {
        if (folder is { Length: > 0 } && Path.Combine(folder, page + ".html") is var own && File.Exists(own))
        {
            return File.ReadAllText(own);
        }

        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"TriageBot.Legal.{page}.html")
            ?? throw new InvalidOperationException($"The built-in {page}.html is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The built-in pages' "at &lt;address&gt;", dropped when no public address is set (never an empty link).</summary>
    private const string AtAddress = " at <a href=\"{{PublicBaseUrl}}\">{{PublicBaseUrl}}</a>";

    public static string Render(string template, LegalOptions options, string publicBaseUrl) =>
        (publicBaseUrl.Length == 0 ? template.Replace(AtAddress, "", StringComparison.Ordinal) : template)
        .Replace("{{Operator}}", WebUtility.HtmlEncode(options.Operator), StringComparison.Ordinal)
        .Replace("{{Contact}}", WebUtility.HtmlEncode(options.Contact), StringComparison.Ordinal)
        .Replace("{{PublicBaseUrl}}", WebUtility.HtmlEncode(publicBaseUrl), StringComparison.Ordinal)
        .Replace("{{Updated}}", WebUtility.HtmlEncode(options.Updated), StringComparison.Ordinal);
}
