// The one identity TriageBot runs as: it signs the bot's Connector calls, reads the tables and resolves Key Vault references.
// A user-assigned identity (not system-assigned) because the Azure Bot must name its client id before the web app exists.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id, for the web app identity, keyVaultReferenceIdentity and the bot msaAppMSIResourceId.')
output id string = identity.id

@description('Client id: the bot app id (MicrosoftAppId) and the DefaultAzureCredential managed identity client id.')
output clientId string = identity.properties.clientId

@description('Object id of the service principal, for role assignments.')
output principalId string = identity.properties.principalId

@description('Tenant of the identity (MicrosoftAppTenantId).')
output tenantId string = identity.properties.tenantId
