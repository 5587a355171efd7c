using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;

namespace TriageBot.Storage.Tables;

/// <summary>
/// Builds the <see cref="TableServiceClient"/> the host's storage options describe. It lives here, beside Azure.Identity,
/// because the host also references a newer Azure.Core (through Azure.Monitor) that defines the same credential types.
/// </summary>
public static class TableServiceClients
{
    /// <summary>A connection string when one is set; otherwise <paramref name="serviceUri"/> with <c>DefaultAzureCredential</c>.</summary>
    public static TableServiceClient Create(string? connectionString, string? serviceUri, string? managedIdentityClientId, TableClientOptions? options = null)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new TableServiceClient(connectionString, options);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(serviceUri);
        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(managedIdentityClientId) ? null : managedIdentityClientId,
        });
        return new TableServiceClient(new Uri(serviceUri), credential, options);
    }
}
