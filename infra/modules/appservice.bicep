// Linux App Service plan and the TriageBot web app (.NET 10), running as the user-assigned identity.
// Settings live in a separate config resource so they can name the site's own host name without a cycle.

@description('Name of the App Service plan.')
param planName string

@description('Name of the web app (its host name is <name>.azurewebsites.net).')
param appName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('App Service plan SKU. Always On needs Basic or higher.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param skuName string

@description('Number of instances. More than one is safe: see docs/operations.md, "Scaling out".')
@minValue(1)
@maxValue(30)
param instanceCount int

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity (bot app id and storage credential).')
param identityClientId string

@description('Tenant of the identity.')
param identityTenantId string

@description('Table service endpoint of the storage account.')
param tableServiceUri string

@description('Prefix of the app\'s table names.')
param tablePrefix string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Versionless Key Vault URI of the Slack signing secret.')
param slackSigningRefUri string

@description('Versionless Key Vault URI of the Slack bot token.')
param slackBotTokenRefUri string

@description('Public https base URL to use instead of https://<app host name> (a custom domain). Empty: the default host name.')
param customPublicBaseUrl string

@description('Whether the ceremony scheduler runs (weekly reports, clinics, sweeps).')
param ceremoniesEnabled bool

@description('How often the delivery worker polls the outbox when nothing signals it (a TimeSpan, e.g. 00:00:05).')
param deliveryPollInterval string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No sticky sessions: no request depends on in-memory state of an instance.
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      alwaysOn: true
      healthCheckPath: '/health'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      remoteDebuggingEnabled: false
    }
  }
}

// Zip deploy goes through the SCM site with Entra ID; FTP publishing credentials are never needed.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

var publicBaseUrl = empty(customPublicBaseUrl) ? 'https://${site.properties.defaultHostName}' : customPublicBaseUrl

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    ASPNETCORE_ENVIRONMENT: 'Production'
    PublicBaseUrl: publicBaseUrl
    Playground__Enabled: 'false'
    // Storage: Entra ID only (the account has shared keys off), through DefaultAzureCredential with the app identity.
    Storage__Provider: 'AzureTables'
    Storage__TableServiceUri: tableServiceUri
    Storage__ManagedIdentityClientId: identityClientId
    Storage__TablePrefix: tablePrefix
    // Teams: the bot is the user-assigned identity; no password exists.
    MicrosoftAppType: 'UserAssignedMSI'
    MicrosoftAppId: identityClientId
    MicrosoftAppTenantId: identityTenantId
    // Slack: resolved by App Service from Key Vault with keyVaultReferenceIdentity.
    Slack__SigningSecret: '@Microsoft.KeyVault(SecretUri=${slackSigningRefUri})'
    Slack__BotToken: '@Microsoft.KeyVault(SecretUri=${slackBotTokenRefUri})'
    Ceremonies__Enabled: ceremoniesEnabled ? 'true' : 'false'
    Delivery__PollInterval: deliveryPollInterval
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    // Azure.Identity picks the user-assigned identity for any credential that does not name one.
    AZURE_CLIENT_ID: identityClientId
  }
}

@description('Web app name.')
output name string = site.name

@description('Default host name of the web app.')
output hostName string = site.properties.defaultHostName

@description('The app\'s public https base URL.')
output publicBaseUrl string = publicBaseUrl
