using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Teams.Activities;
using TriageBot.Teams.Auth;
using TriageBot.Teams.Connector;

namespace TriageBot.Teams;

/// <summary>Adds the Teams channel to the host: <c>services.AddTeams(configuration)</c> and <c>app.MapTeams()</c>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Key of the <see cref="TokenCredential"/> used for Connector calls; register one under it to override (tests).</summary>
    public const string CredentialKey = "TriageBot.Teams";
    public const string MetadataHttpClient = "TriageBot.Teams.Metadata";

    /// <summary>
    /// Registers the Teams channel. Needs <see cref="Core.Conversation.IConversation"/>, <see cref="IInbox"/>,
    /// <see cref="IOutbox"/> and <see cref="IBindingStore"/> from Core and storage.
    /// </summary>
    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TeamsOptions>().Configure(o => TeamsOptions.Bind(configuration, o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(MetadataHttpClient, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TeamsOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(MetadataHttpClient);
            var url = options.OpenIdMetadataUrl;
            // Plain HTTP is accepted only for a loopback issuer (the test issuer); everything else must be HTTPS.
            var requireHttps = !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.IsLoopback);
            return new SigningKeyStore(url, new BotFrameworkKeysRetriever(), new HttpDocumentRetriever(http) { RequireHttps = requireHttps },
                options.KeyRefreshInterval, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<SigningKeyStore>());
        });
        services.TryAddSingleton<ChannelTokenValidator>();
        services.TryAddSingleton<ServiceUrlTrust>();
        services.TryAddSingleton<ConnectorPacer>();
        services.TryAddScoped<TeamsActivityProcessor>();

        services.TryAddKeyedSingleton<TokenCredential>(CredentialKey, (sp, _) => CreateCredential(sp.GetRequiredService<IOptions<TeamsOptions>>().Value));
        services.AddTransient<ConnectorRetryHandler>();
        services.AddHttpClient<BotConnectorClient>(c => c.Timeout = TimeSpan.FromSeconds(60))
            .AddHttpMessageHandler(sp => new ConnectorAuthHandler(
                sp.GetRequiredKeyedService<TokenCredential>(CredentialKey),
                sp.GetRequiredService<IOptions<TeamsOptions>>(),
                sp.GetRequiredService<ServiceUrlTrust>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ConnectorAuthHandler>>()))
            .AddHttpMessageHandler<ConnectorRetryHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IChannelSender, TeamsSender>());
        services.TryAddTransient<TeamsSender>();
        return services;
    }

    /// <summary>Maps <c>POST /api/messages</c>, the endpoint registered as the Azure Bot's messaging endpoint.</summary>
    public static IEndpointConventionBuilder MapTeams(this IEndpointRouteBuilder endpoints, string pattern = "/api/messages")
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value;
        var problems = options.Problems();
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Teams");
        if (problems.Count > 0) Log.NotConfigured(logger, string.Join(" ", problems));
        if (options.DangerouslyAcceptEmulator) Log.EmulatorAccepted(logger);
        return endpoints.MapPost(pattern, TeamsEndpoint.HandleAsync).DisableAntiforgery();
    }

    /// <summary>The Connector credential for the configured app type (secret, certificate or user-assigned managed identity).</summary>
    internal static TokenCredential CreateCredential(TeamsOptions options)
    {
        var authority = options.TokenAuthority is { } a ? new Uri(a) : AzureAuthorityHosts.AzurePublicCloud;
        var appId = options.AppId ?? "";
        switch (options.AppType)
        {
            case TeamsAppType.UserAssignedMsi:
                return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(appId));
            case TeamsAppType.SingleTenant or TeamsAppType.MultiTenant:
                // Legacy multi-tenant bots get their Connector tokens from the botframework.com tenant.
                var tenant = options.AppType == TeamsAppType.SingleTenant ? options.TenantId ?? "" : "botframework.com";
                if (!string.IsNullOrWhiteSpace(options.CertificatePath))
                {
                    var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
                    return new ClientCertificateCredential(tenant, appId, certificate, new ClientCertificateCredentialOptions { AuthorityHost = authority });
                }
                return new ClientSecretCredential(tenant, appId, options.AppPassword ?? "", new ClientSecretCredentialOptions { AuthorityHost = authority });
            default:
                return new UnconfiguredCredential();
        }
    }

    /// <summary>Stands in when Teams is not configured: any attempt to call the Connector says how to fix it.</summary>
    private sealed class UnconfiguredCredential : TokenCredential
    {
        private const string Message = "Teams is not configured: set MicrosoftAppType, MicrosoftAppId and MicrosoftAppPassword (or MicrosoftAppTenantId) before sending to Teams.";
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new InvalidOperationException(Message);
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new InvalidOperationException(Message);
    }
}
