// TriageBot on Azure: one Linux web app (.NET 10) running as a user-assigned managed identity, Table Storage reached
// with Entra ID only, an Azure Bot with the Teams channel, Slack and tracker secrets in Key Vault, and Application Insights.
// Deploy into a resource group: docs/deploy.md.
targetScope = 'resourceGroup'

metadata description = 'TriageBot: App Service, Table Storage, Azure Bot + Teams channel, managed identity, Key Vault, Application Insights.'

@description('Azure region of every regional resource (the bot itself is global).')
param location string = resourceGroup().location

@description('Short lowercase name used in every resource name.')
@minLength(2)
@maxLength(12)
param baseName string = 'triagebot'

@description('Tags for every resource.')
param tags object = {
  app: 'triagebot'
}

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
param appServiceSku string = 'B1'

@description('Number of web app instances.')
@minValue(1)
@maxValue(30)
param instanceCount int = 1

@description('Storage account replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Prefix of the app\'s table names (Storage__TablePrefix).')
@minLength(1)
@maxLength(20)
param tablePrefix string = 'triage'

@description('Azure Bot pricing tier.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Name people see for the bot in Teams.')
param botDisplayName string = 'TriageBot'

@description('Whether to create the Azure Bot with its Teams channel and give the app the Teams settings. False: a Slack-only deployment, Teams off.')
param enableTeams bool = true

@description('Tenant of the bot identity (MicrosoftAppTenantId). Defaults to the tenant you deploy into.')
param tenantId string = tenant().tenantId

@description('Slack signing secret (Slack app > Basic Information > App Credentials), stored in Key Vault only. Empty (the default), with an empty slackBotToken and keepSlackEnabled false: Slack is off.')
@secure()
param slackSigningSecret string = ''

@description('Slack bot token, xoxb-... (Slack app > OAuth & Permissions), stored in Key Vault only. Empty: not written.')
@secure()
param slackBotToken string = ''

@description('Keep Slack on when this deployment passes no Slack secret (they are already in Key Vault). A deployment that passes a Slack secret turns Slack on anyway.')
param keepSlackEnabled bool = false

@description('Slack app Client ID (Basic Information > App Credentials), not a secret. Set: installs to many workspaces (OAuth v2) are on, and the app reads slack-client-secret, slack-state-secret and slack-installation-key from Key Vault. Empty: one workspace (slackBotToken).')
param slackClientId string = ''

@description('Slack app Client Secret (Basic Information > App Credentials), stored in Key Vault only (slack-client-secret). Empty: not written.')
@secure()
param slackClientSecret string = ''

@description('Random secret of at least 32 characters that signs the OAuth state (e.g. openssl rand -hex 32), stored in Key Vault only (slack-state-secret). Empty: not written.')
@secure()
param slackStateSecret string = ''

@description('Base64 of 32 random bytes that seals installation tokens at rest (openssl rand -base64 32), stored in Key Vault only (slack-installation-key). Empty: not written.')
@secure()
param slackInstallationKey string = ''

@description('The installation key in use before a rotation, still opening what it sealed (slack-previous-installation-key). Empty: not written.')
@secure()
param slackPreviousInstallationKey string = ''

@description('Give the app the previous installation key (Slack__PreviousInstallationKeys__0) when this deployment passes none: the vault already holds slack-previous-installation-key.')
param keepSlackPreviousInstallationKey bool = false

@description('Slack app-level token, xapp-... (Socket Mode), stored in Key Vault only (slack-app-token). Empty: not written.')
@secure()
param slackAppToken string = ''

@description('Give the app the app-level token (Slack__AppToken, Socket Mode) when this deployment passes none: the vault already holds slack-app-token.')
param keepSlackSocketMode bool = false

@description('GitHub fine-grained token (github_pat_..., Issues read/write) for the tracker sync, stored in Key Vault only (github-token). Empty: not written. docs/trackers.md.')
@secure()
param githubToken string = ''

@description('Give the app the GitHub token (Trackers__GitHub__Token) when this deployment passes none: the vault already holds github-token.')
param keepGitHubToken bool = false

@description('GitHub App client id (Iv1....) or app id, not a secret. Set: the app authenticates as the GitHub App and reads github-private-key from Key Vault. Empty: no app.')
param githubAppId string = ''

@description('The GitHub App\'s private key (the .pem file), stored in Key Vault only (github-private-key). Empty: not written.')
@secure()
param githubPrivateKey string = ''

@description('The GitHub App\'s installation id (Trackers__GitHub__InstallationId). Empty: looked up per repository.')
param githubInstallationId string = ''

@description('GitHub REST API base address (Trackers__GitHub__ApiBaseUrl): a GitHub Enterprise Server host instead of github.com.')
param githubApiBaseUrl string = 'https://api.github.com/'

@description('Secret of the GitHub webhook (openssl rand -hex 32), stored in Key Vault only (github-webhook-secret). Empty: not written. Read by the app whenever GitHub is on (an app id or a token).')
@secure()
param githubWebhookSecret string = ''

@description('Jira Cloud site, https://your-site.atlassian.net (Trackers__Jira__SiteUrl), not a secret. Set: Jira is on and the app reads jira-api-token and jira-webhook-secret from Key Vault. Empty: Jira is off.')
param jiraSiteUrl string = ''

@description('E-mail of the Jira account TriageBot acts as (Trackers__Jira__Email).')
param jiraEmail string = ''

@description('API token of that Jira account, stored in Key Vault only (jira-api-token). Empty: not written.')
@secure()
param jiraApiToken string = ''

@description('Secret of the Jira webhook (openssl rand -hex 32), stored in Key Vault only (jira-webhook-secret). Empty: not written.')
@secure()
param jiraWebhookSecret string = ''

@description('Type of the Jira issues TriageBot creates (Trackers__Jira__IssueType), as the project names it.')
param jiraIssueType string = 'Task'

@description('Public https base URL when a custom domain fronts the app (e.g. https://triage.example.com). Empty: https://<app>.azurewebsites.net.')
param customPublicBaseUrl string = ''

@description('Optional object id of a person or group who runs backups and rotates secrets. Empty: no operator role assignments.')
param operatorPrincipalId string = ''

@description('Principal type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'Group'

@description('Key Vault purge protection. Recommended in production; once on it cannot be turned off.')
param enableKeyVaultPurgeProtection bool = true

@description('Whether the ceremony scheduler runs (Ceremonies__Enabled).')
param ceremoniesEnabled bool = true

@description('Outbox poll interval when nothing signals new work (Delivery__PollInterval, a TimeSpan).')
param deliveryPollInterval string = '00:00:05'

@description('Who runs this deployment, as the /privacy and /terms pages name it (Legal__Operator). Empty: generic wording.')
param legalOperator string = ''

@description('How to reach the operator about privacy or the terms, an e-mail address or URL (Legal__Contact). Empty: generic wording.')
param legalContact string = ''

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// Globally unique names need a suffix; uniqueString keeps it stable across redeployments to the same resource group.
var suffix = uniqueString(subscription().id, resourceGroup().id, baseName)
// Slack is on when this deployment brings a Slack secret, or when told that the vault already holds them.
var slackEnabled = keepSlackEnabled || !empty(slackSigningSecret) || !empty(slackBotToken)
// Installs to many workspaces: on with a Client ID; the previous installation key and Socket Mode only when their secrets exist.
var slackMultiWorkspace = slackEnabled && !empty(slackClientId)
var slackPreviousKey = slackMultiWorkspace && (keepSlackPreviousInstallationKey || !empty(slackPreviousInstallationKey))
var slackSocketMode = slackEnabled && (keepSlackSocketMode || !empty(slackAppToken))

// Tracker sync (docs/trackers.md): a secret is referenced only when the vault holds it (given now, or before with its
// companion setting or keep flag), else the app would see an unresolved reference.
var githubApp = !empty(githubAppId)
var githubTokenAuth = keepGitHubToken || !empty(githubToken)
var githubEnabled = githubApp || githubTokenAuth
var jiraEnabled = !empty(jiraSiteUrl)

var names = {
  identity: 'id-${baseName}-${suffix}'
  workspace: 'log-${baseName}-${suffix}'
  appInsights: 'appi-${baseName}-${suffix}'
  storage: take('st${replace(baseName, '-', '')}${suffix}', 24)
  keyVault: take('kv-${baseName}-${suffix}', 24)
  plan: 'asp-${baseName}-${suffix}'
  app: 'app-${baseName}-${suffix}'
  bot: 'bot-${baseName}-${suffix}'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSku
    appIdentityName: names.identity
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    tenantId: tenantId
    appIdentityName: names.identity
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    slackSigningSecret: slackSigningSecret
    slackBotToken: slackBotToken
    slackClientSecret: slackClientSecret
    slackStateSecret: slackStateSecret
    slackInstallationKey: slackInstallationKey
    slackPreviousInstallationKey: slackPreviousInstallationKey
    slackAppToken: slackAppToken
    githubToken: githubToken
    githubPrivateKey: githubPrivateKey
    githubWebhookSecret: githubWebhookSecret
    jiraApiToken: jiraApiToken
    jiraWebhookSecret: jiraWebhookSecret
    enablePurgeProtection: enableKeyVaultPurgeProtection
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module app 'modules/appservice.bicep' = {
  name: 'appservice'
  params: {
    planName: names.plan
    appName: names.app
    location: location
    tags: tags
    skuName: appServiceSku
    instanceCount: instanceCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityTenantId: tenantId
    tableServiceUri: storage.outputs.tableEndpoint
    tablePrefix: tablePrefix
    appInsightsConnectionString: monitoring.outputs.connectionString
    slackSigningRefUri: keyVault.outputs.slackSigningRefUri
    slackBotTokenRefUri: keyVault.outputs.slackBotTokenRefUri
    slackEnabled: slackEnabled
    slackClientId: slackMultiWorkspace ? slackClientId : ''
    slackClientRefUri: keyVault.outputs.slackClientRefUri
    slackStateRefUri: keyVault.outputs.slackStateRefUri
    slackInstallationKeyRefUri: keyVault.outputs.slackInstallationKeyRefUri
    slackPreviousInstallationKeyRefUri: slackPreviousKey ? keyVault.outputs.slackPreviousInstallationKeyRefUri : ''
    slackAppTokenRefUri: slackSocketMode ? keyVault.outputs.slackAppTokenRefUri : ''
    teamsEnabled: enableTeams
    legalOperator: legalOperator
    legalContact: legalContact
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    customPublicBaseUrl: customPublicBaseUrl
    ceremoniesEnabled: ceremoniesEnabled
    deliveryPollInterval: deliveryPollInterval
    githubAppId: githubApp ? githubAppId : ''
    githubInstallationId: githubInstallationId
    githubApiBaseUrl: githubApiBaseUrl
    githubPrivateKeyRefUri: githubApp ? keyVault.outputs.githubPrivateKeyRefUri : ''
    githubTokenRefUri: githubTokenAuth ? keyVault.outputs.githubTokenRefUri : ''
    githubWebhookRefUri: githubEnabled ? keyVault.outputs.githubWebhookRefUri : ''
    jiraSiteUrl: jiraSiteUrl
    jiraEmail: jiraEmail
    jiraIssueType: jiraIssueType
    jiraApiTokenRefUri: jiraEnabled ? keyVault.outputs.jiraApiTokenRefUri : ''
    jiraWebhookRefUri: jiraEnabled ? keyVault.outputs.jiraWebhookRefUri : ''
  }
}

module bot 'modules/bot.bicep' = if (enableTeams) {
  name: 'bot'
  params: {
    name: names.bot
    displayName: botDisplayName
    tags: tags
    skuName: botSku
    endpoint: '${app.outputs.publicBaseUrl}/api/messages'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityTenantId: tenantId
  }
}

@description('The app\'s public https URL (PublicBaseUrl).')
output appUrl string = app.outputs.publicBaseUrl

@description('Web app name, for az webapp deploy.')
output webAppName string = app.outputs.name

@description('Bot messaging endpoint registered with Azure Bot.')
output botMessagingEndpoint string = enableTeams ? bot!.outputs.endpoint : ''

@description('Client id of the managed identity: the bot app id for the Teams app package.')
output identityClientId string = identity.outputs.clientId

@description('Table service endpoint (Storage__TableServiceUri).')
output storageTableEndpoint string = storage.outputs.tableEndpoint

@description('Storage account name, for az storage commands.')
output storageAccountName string = storage.outputs.name

@description('Key Vault name, for rotating the Slack and tracker secrets.')
output keyVaultName string = keyVault.outputs.name

@description('Azure Bot handle.')
output botName string = enableTeams ? bot!.outputs.name : ''

@description('"true" when the Azure Bot exists and the app has the Teams settings, "false" for a Slack-only deployment.')
output teamsEnabled string = enableTeams ? 'true' : 'false'

@description('"true" when the app was given the Slack settings (Slack on), "false" when Slack is off.')
output slackEnabled string = slackEnabled ? 'true' : 'false'

@description('"true" when the app was given the GitHub tracker settings (an app id or a token), "false" otherwise.')
output githubEnabled string = githubEnabled ? 'true' : 'false'

@description('"true" when the app was given the Jira tracker settings (jiraSiteUrl set), "false" otherwise.')
output jiraEnabled string = jiraEnabled ? 'true' : 'false'
