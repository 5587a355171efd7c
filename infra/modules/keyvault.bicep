// Key Vault (RBAC mode) for the only secrets TriageBot has: Slack's signing secret and bot token, and for installs to many
// workspaces the client secret, the OAuth state secret, the installation key (and the previous one) and the app-level token;
// and the tracker sync's: the GitHub token or App private key, the Jira API token, and both webhook secrets.
// The app never sees the vault directly: App Service resolves Key Vault references with the app identity.

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Tenant that owns the vault.')
param tenantId string

@description('Name of the app identity; with the role, it makes the role assignment name stable and known before deployment.')
param appIdentityName string

@description('Object id of the app identity that reads the secrets.')
param appPrincipalId string

@description('Optional object id of a person or group who rotates the secrets (Key Vault Secrets Officer). Empty: none.')
param operatorPrincipalId string

@description('Principal type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string

@description('Slack signing secret (Basic Information > App Credentials). Empty: the secret is not written (kept as it is, if it exists).')
@secure()
param slackSigningSecret string

@description('Slack bot token (xoxb-..., OAuth & Permissions). Empty: the secret is not written (kept as it is, if it exists).')
@secure()
param slackBotToken string

@description('Slack Client Secret (installs to many workspaces). Empty: not written.')
@secure()
param slackClientSecret string

@description('Secret that signs the OAuth state. Empty: not written.')
@secure()
param slackStateSecret string

@description('Key that seals installation tokens at rest (base64 of 32 bytes). Empty: not written.')
@secure()
param slackInstallationKey string

@description('The installation key before a rotation. Empty: not written.')
@secure()
param slackPreviousInstallationKey string

@description('Slack app-level token (xapp-..., Socket Mode). Empty: not written.')
@secure()
param slackAppToken string

@description('GitHub fine-grained token (tracker sync). Empty: not written.')
@secure()
param githubToken string

@description('GitHub App private key (PEM). Empty: not written.')
@secure()
param githubPrivateKey string

@description('GitHub webhook secret. Empty: not written.')
@secure()
param githubWebhookSecret string

@description('Jira API token. Empty: not written.')
@secure()
param jiraApiToken string

@description('Jira webhook secret. Empty: not written.')
@secure()
param jiraWebhookSecret string

@description('Resource id of the Log Analytics workspace for the diagnostic settings.')
param logAnalyticsWorkspaceId string

@description('Purge protection: once on it cannot be turned off, and the vault name stays reserved for the soft-delete period after deletion.')
param enablePurgeProtection bool

// Built-in role "Key Vault Secrets User": read secret contents.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
// Built-in role "Key Vault Secrets Officer": manage secrets (rotation), no access to keys or certificates.
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// Written only when given, so a deployment without the Slack values never overwrites secrets rotated in the vault.
resource signingSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackSigningSecret)) {
  parent: vault
  name: 'slack-signing-secret'
  properties: {
    value: slackSigningSecret
    contentType: 'text/plain'
  }
}

resource botToken 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackBotToken)) {
  parent: vault
  name: 'slack-bot-token'
  properties: {
    value: slackBotToken
    contentType: 'text/plain'
  }
}

resource clientSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackClientSecret)) {
  parent: vault
  name: 'slack-client-secret'
  properties: {
    value: slackClientSecret
    contentType: 'text/plain'
  }
}

resource stateSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackStateSecret)) {
  parent: vault
  name: 'slack-state-secret'
  properties: {
    value: slackStateSecret
    contentType: 'text/plain'
  }
}

resource installationKey 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackInstallationKey)) {
  parent: vault
  name: 'slack-installation-key'
  properties: {
    value: slackInstallationKey
    contentType: 'text/plain'
  }
}

resource previousInstallationKey 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackPreviousInstallationKey)) {
  parent: vault
  name: 'slack-previous-installation-key'
  properties: {
    value: slackPreviousInstallationKey
    contentType: 'text/plain'
  }
}

resource appToken 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(slackAppToken)) {
  parent: vault
  name: 'slack-app-token'
  properties: {
    value: slackAppToken
    contentType: 'text/plain'
  }
}

// The tracker sync's credentials (docs/trackers.md), written only when given like the Slack secrets.
resource githubTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(githubToken)) {
  parent: vault
  name: 'github-token'
  properties: {
    value: githubToken
    contentType: 'text/plain'
  }
}

resource githubPrivateKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(githubPrivateKey)) {
  parent: vault
  name: 'github-private-key'
  properties: {
    value: githubPrivateKey
    contentType: 'application/x-pem-file'
  }
}

resource githubWebhookSecretValue 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(githubWebhookSecret)) {
  parent: vault
  name: 'github-webhook-secret'
  properties: {
    value: githubWebhookSecret
    contentType: 'text/plain'
  }
}

resource jiraApiTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(jiraApiToken)) {
  parent: vault
  name: 'jira-api-token'
  properties: {
    value: jiraApiToken
    contentType: 'text/plain'
  }
}

resource jiraWebhookSecretValue 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(jiraWebhookSecret)) {
  parent: vault
  name: 'jira-webhook-secret'
  properties: {
    value: jiraWebhookSecret
    contentType: 'text/plain'
  }
}

resource appSecretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appIdentityName, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'TriageBot app identity: resolves the Key Vault references in its app settings.'
  }
}

resource operatorSecretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, secretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    description: 'TriageBot operators: rotate the Slack and tracker secrets.'
  }
}

// Every read of a secret (who, when, allowed or not) and the vault's metrics, to Log Analytics.
// 2021-05-01-preview is the newest version of diagnosticSettings; the only GA one, 2016-09-01, is a different (older) resource shape.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AuditEvent'
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

@description('Key Vault name.')
output name string = vault.name

// Versionless URIs: App Service picks up a rotated secret without a redeploy (within 24 hours, or at once on a config refresh).
@description('Versionless URI of the Slack signing secret, for a Key Vault reference.')
output slackSigningRefUri string = '${vault.properties.vaultUri}secrets/slack-signing-secret'

@description('Versionless URI of the Slack bot token, for a Key Vault reference.')
output slackBotTokenRefUri string = '${vault.properties.vaultUri}secrets/slack-bot-token'

@description('Versionless URI of the Slack Client Secret, for a Key Vault reference.')
output slackClientRefUri string = '${vault.properties.vaultUri}secrets/slack-client-secret'

@description('Versionless URI of the OAuth state secret, for a Key Vault reference.')
output slackStateRefUri string = '${vault.properties.vaultUri}secrets/slack-state-secret'

@description('Versionless URI of the installation key, for a Key Vault reference.')
output slackInstallationKeyRefUri string = '${vault.properties.vaultUri}secrets/slack-installation-key'

@description('Versionless URI of the previous installation key, for a Key Vault reference.')
output slackPreviousInstallationKeyRefUri string = '${vault.properties.vaultUri}secrets/slack-previous-installation-key'

@description('Versionless URI of the Slack app-level token, for a Key Vault reference.')
output slackAppTokenRefUri string = '${vault.properties.vaultUri}secrets/slack-app-token'

@description('Versionless URI of the GitHub token, for a Key Vault reference.')
output githubTokenRefUri string = '${vault.properties.vaultUri}secrets/github-token'

@description('Versionless URI of the GitHub App private key, for a Key Vault reference.')
output githubPrivateKeyRefUri string = '${vault.properties.vaultUri}secrets/github-private-key'

@description('Versionless URI of the GitHub webhook secret, for a Key Vault reference.')
output githubWebhookRefUri string = '${vault.properties.vaultUri}secrets/github-webhook-secret'

@description('Versionless URI of the Jira API token, for a Key Vault reference.')
output jiraApiTokenRefUri string = '${vault.properties.vaultUri}secrets/jira-api-token'

@description('Versionless URI of the Jira webhook secret, for a Key Vault reference.')
output jiraWebhookRefUri string = '${vault.properties.vaultUri}secrets/jira-webhook-secret'
