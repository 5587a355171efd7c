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

@description('Whether the Slack settings (Key Vault references) are given to the app. False: Slack is off.')
param slackEnabled bool

@description('Slack Client ID. Empty: one workspace; set: installs to many workspaces, with the three references below.')
param slackClientId string

@description('Versionless Key Vault URI of the Slack Client Secret.')
param slackClientRefUri string

@description('Versionless Key Vault URI of the OAuth state secret.')
param slackStateRefUri string

@description('Versionless Key Vault URI of the installation key.')
param slackInstallationKeyRefUri string

@description('Versionless Key Vault URI of the previous installation key. Empty: no previous key.')
param slackPreviousInstallationKeyRefUri string

@description('Versionless Key Vault URI of the Slack app-level token. Empty: no Socket Mode.')
param slackAppTokenRefUri string

@description('Whether the app gets the Teams settings (the bot is the user-assigned identity). False: Teams is off.')
param teamsEnabled bool

@description('Who runs this deployment, for the /privacy and /terms pages. Empty: generic wording.')
param legalOperator string

@description('How to reach the operator, for the /privacy and /terms pages. Empty: generic wording.')
param legalContact string

@description('Resource id of the Log Analytics workspace for the diagnostic settings.')
param logAnalyticsWorkspaceId string

@description('Public https base URL to use instead of https://<app host name> (a custom domain). Empty: the default host name.')
param customPublicBaseUrl string

@description('Whether the ceremony scheduler runs (weekly reports, clinics, sweeps).')
param ceremoniesEnabled bool

@description('How often the delivery worker polls the outbox when nothing signals it (a TimeSpan, e.g. 00:00:05).')
param deliveryPollInterval string

@description('GitHub App client id or app id for the tracker sync. Empty: no app.')
param githubAppId string

@description('GitHub App installation id. Empty: looked up per repository.')
param githubInstallationId string

@description('GitHub REST API base address.')
param githubApiBaseUrl string

@description('Versionless Key Vault URI of the GitHub App private key. Empty: no app.')
param githubPrivateKeyRefUri string

@description('Versionless Key Vault URI of the GitHub token. Empty: no token.')
param githubTokenRefUri string

@description('Versionless Key Vault URI of the GitHub webhook secret. Empty: GitHub is off.')
param githubWebhookRefUri string

@description('Jira Cloud site URL. Empty: Jira is off.')
param jiraSiteUrl string

@description('E-mail of the Jira account TriageBot acts as.')
param jiraEmail string

@description('Type of the Jira issues TriageBot creates.')
param jiraIssueType string

@description('Versionless Key Vault URI of the Jira API token. Empty: Jira is off.')
param jiraApiTokenRefUri string

@description('Versionless Key Vault URI of the Jira webhook secret. Empty: Jira is off.')
param jiraWebhookRefUri string

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
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

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  // azd deploy finds the web app of the service "triagebot" in azure.yaml by this tag.
  tags: union(tags, { 'azd-service-name': 'triagebot' })
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

// No publishing user name and password at all: zip deploy (az webapp deploy, azd deploy) signs in to the SCM site with
// Microsoft Entra ID, and FTP is off (ftpsState above).
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// Platform logs (HTTP access, console output, platform events, audit of publishing logins) and metrics to Log Analytics.
// 2021-05-01-preview is the newest version of diagnosticSettings; the only GA one, 2016-09-01, is a different (older) resource shape.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      for category in [
        'AppServiceHTTPLogs'
        'AppServiceConsoleLogs'
        'AppServiceAppLogs'
        'AppServicePlatformLogs'
        'AppServiceAuditLogs'
        'AppServiceIPSecAuditLogs'
      ]: {
        category: category
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

var publicBaseUrl = empty(customPublicBaseUrl) ? 'https://${site.properties.defaultHostName}' : customPublicBaseUrl

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
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
    // Teams: the bot is the user-assigned identity; no password exists. Empty in a Slack-only deployment: Teams is off.
    MicrosoftAppType: teamsEnabled ? 'UserAssignedMSI' : ''
    MicrosoftAppId: teamsEnabled ? identityClientId : ''
    MicrosoftAppTenantId: teamsEnabled ? identityTenantId : ''
    // Slack is optional: resolved by App Service from Key Vault with keyVaultReferenceIdentity when its secrets were
    // given; empty otherwise, and the app starts with Slack off (it says so once in its log).
    Slack__SigningSecret: slackEnabled ? '@Microsoft.KeyVault(SecretUri=${slackSigningRefUri})' : ''
    Slack__BotToken: slackEnabled ? '@Microsoft.KeyVault(SecretUri=${slackBotTokenRefUri})' : ''
    // Installs to many workspaces (a Client ID given): the OAuth secrets and the key that seals tokens at rest, from Key Vault.
    Slack__ClientId: slackClientId
    Slack__ClientSecret: empty(slackClientId) ? '' : '@Microsoft.KeyVault(SecretUri=${slackClientRefUri})'
    Slack__StateSecret: empty(slackClientId) ? '' : '@Microsoft.KeyVault(SecretUri=${slackStateRefUri})'
    Slack__InstallationKey: empty(slackClientId) ? '' : '@Microsoft.KeyVault(SecretUri=${slackInstallationKeyRefUri})'
    Slack__PreviousInstallationKeys__0: empty(slackPreviousInstallationKeyRefUri) ? '' : '@Microsoft.KeyVault(SecretUri=${slackPreviousInstallationKeyRefUri})'
    Slack__AppToken: empty(slackAppTokenRefUri) ? '' : '@Microsoft.KeyVault(SecretUri=${slackAppTokenRefUri})'
    Ceremonies__Enabled: ceremoniesEnabled ? 'true' : 'false'
    Legal__Operator: legalOperator
    Legal__Contact: legalContact
    Delivery__PollInterval: deliveryPollInterval
    // Tracker sync (docs/trackers.md): plain values, and the secrets from Key Vault only when the vault holds them.
    Trackers__GitHub__AppId: githubAppId
    Trackers__GitHub__InstallationId: githubInstallationId
    Trackers__GitHub__ApiBaseUrl: githubApiBaseUrl
    Trackers__GitHub__PrivateKey: empty(githubPrivateKeyRefUri) ? '' : '@Microsoft.KeyVault(SecretUri=${githubPrivateKeyRefUri})'
    Trackers__GitHub__Token: empty(githubTokenRefUri) ? '' : '@Microsoft.KeyVault(SecretUri=${githubTokenRefUri})'
    Trackers__GitHub__WebhookSecret: empty(githubWebhookRefUri) ? '' : '@Microsoft.KeyVault(SecretUri=${githubWebhookRefUri})'
    Trackers__Jira__SiteUrl: jiraSiteUrl
    Trackers__Jira__Email: jiraEmail
    Trackers__Jira__IssueType: jiraIssueType
    Trackers__Jira__ApiToken: empty(jiraApiTokenRefUri) ? '' : '@Microsoft.KeyVault(SecretUri=${jiraApiTokenRefUri})'
    Trackers__Jira__WebhookSecret: empty(jiraWebhookRefUri) ? '' : '@Microsoft.KeyVault(SecretUri=${jiraWebhookRefUri})'
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
