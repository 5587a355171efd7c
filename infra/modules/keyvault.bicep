// Key Vault (RBAC mode) for the only secrets TriageBot has: Slack's signing secret and bot token.
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

@description('Slack signing secret (Basic Information > App Credentials).')
@secure()
param slackSigningSecret string

@description('Slack bot token (xoxb-..., OAuth & Permissions).')
@secure()
param slackBotToken string

@description('Purge protection: once on it cannot be turned off, and the vault name stays reserved for the soft-delete period after deletion.')
param enablePurgeProtection bool

// Built-in role "Key Vault Secrets User": read secret contents.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
// Built-in role "Key Vault Secrets Officer": manage secrets (rotation), no access to keys or certificates.
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
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

resource signingSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'slack-signing-secret'
  properties: {
    value: slackSigningSecret
    contentType: 'text/plain'
  }
}

resource botToken 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'slack-bot-token'
  properties: {
    value: slackBotToken
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
    description: 'TriageBot operators: rotate the Slack secrets.'
  }
}

@description('Key Vault name.')
output name string = vault.name

// Versionless URIs: App Service picks up a rotated secret without a redeploy (within 24 hours, or at once on a config refresh).
@description('Versionless URI of the Slack signing secret, for a Key Vault reference.')
output slackSigningRefUri string = signingSecret.properties.secretUri

@description('Versionless URI of the Slack bot token, for a Key Vault reference.')
output slackBotTokenRefUri string = botToken.properties.secretUri
