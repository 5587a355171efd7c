using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace TriageBot.Storage;

/// <summary>Which store the bot uses.</summary>
public enum StorageProvider { Sqlite, AzureTables }

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Raw text of <c>Storage:Provider</c>, parsed by validation so a typo gets a message, not a binder error.</summary>
    public string? Provider { get; set; }

    /// <summary>SQLite file; relative paths are under the content root. Default <c>data/triagebot.db</c>.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>Azure Storage connection string (or <c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table endpoint, used with <c>DefaultAzureCredential</c> when no connection string is set.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity, with <see cref="TableServiceUri"/>.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prefix of every table name, so several environments can share one account.</summary>
    public string TablePrefix { get; set; } = "triage";

    public const string DefaultSqlitePath = "data/triagebot.db";

    internal StorageProvider ParsedProvider =>
        string.IsNullOrWhiteSpace(Provider) ? StorageProvider.Sqlite : Enum.Parse<StorageProvider>(Provider.Trim(), ignoreCase: true);
}

/// <summary>Checks the <c>Storage</c> section at start-up; every message names the setting and how to fix it.</summary>
public sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every problem with the settings, as sentences a person can act on.</summary>
    public static IEnumerable<string> Check(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Provider)
            && !Enum.TryParse<StorageProvider>(options.Provider.Trim(), ignoreCase: true, out _))
        {
            yield return $"Storage:Provider '{options.Provider}' is not known. Use 'Sqlite' (the default, an embedded file) or 'AzureTables'.";
            yield break;
        }

        if (!TablePrefixPattern().IsMatch(options.TablePrefix ?? ""))
        {
            yield return $"Storage:TablePrefix '{options.TablePrefix}' is not allowed: it must start with a letter and hold only " +
                         "letters and digits, at most 40 characters (Azure table names allow nothing else). Example: 'triage' or 'triageStaging'.";
        }

        if (options.ParsedProvider == StorageProvider.Sqlite)
        {
            if (options.SqlitePath is not null && string.IsNullOrWhiteSpace(options.SqlitePath))
            {
                yield return "Storage:SqlitePath is empty. Remove it to use data/triagebot.db under the content root, or set a file path.";
            }

            yield break;
        }

        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasUri = !string.IsNullOrWhiteSpace(options.TableServiceUri);
        if (!hasConnectionString && !hasUri)
        {
            yield return "Storage:Provider is AzureTables but neither Storage:ConnectionString nor Storage:TableServiceUri is set. " +
                         "Set Storage:TableServiceUri to https://<account>.table.core.windows.net/ to connect with a managed identity " +
                         "(DefaultAzureCredential), or Storage:ConnectionString (UseDevelopmentStorage=true for Azurite).";
            yield break;
        }

        if (hasConnectionString && hasUri)
        {
            yield return "Storage:ConnectionString and Storage:TableServiceUri are both set. Keep only one: the connection string, " +
                         "or the endpoint with a managed identity.";
        }

        if (hasConnectionString && ParseConnectionString(options.ConnectionString!) is { } problem)
        {
            yield return $"Storage:ConnectionString could not be read ({problem}). Copy it from the storage account's " +
                         "'Access keys' page, or use UseDevelopmentStorage=true for Azurite.";
        }

        if (hasUri
            && (!Uri.TryCreate(options.TableServiceUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            yield return $"Storage:TableServiceUri '{options.TableServiceUri}' is not an absolute URL. " +
                         "Use the account's table endpoint, e.g. https://<account>.table.core.windows.net/.";
        }

        if (!string.IsNullOrWhiteSpace(options.ManagedIdentityClientId))
        {
            if (!hasUri)
            {
                yield return "Storage:ManagedIdentityClientId only applies with Storage:TableServiceUri. Remove it, or replace " +
                             "Storage:ConnectionString with Storage:TableServiceUri.";
            }
            else if (!Guid.TryParse(options.ManagedIdentityClientId, out _))
            {
                yield return $"Storage:ManagedIdentityClientId '{options.ManagedIdentityClientId}' is not a GUID. Use the client id " +
                             "of the user-assigned managed identity (Azure portal: the identity's Overview page).";
            }
        }
    }

    private static string? ParseConnectionString(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The parser's message names the missing part; it never echoes the account key.
            return e.GetType().Name;
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex TablePrefixPattern();
}
